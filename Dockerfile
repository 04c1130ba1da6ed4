# syntax=docker/dockerfile:1
# feedfold in a container: `feedfold serve` on port 8080, as a non-root user.
#
#   docker build -t feedfold .
#   docker run -d --name feedfold -p 8080:8080 \
#     -v "$PWD/feeds:/srv/feedfold/feeds:ro" \
#     -v feedfold-public:/srv/feedfold/public -v feedfold-state:/srv/feedfold/state \
#     -v "$PWD/config.toml:/etc/feedfold/config.toml:ro" feedfold
#
# The image's own /etc/feedfold/config.toml (dist/docker/config.toml) listens on
# 0.0.0.0:8080 and uses the three volumes; a config mounted over it must keep those paths.

ARG RUST_VERSION=1.95
FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin feedfold \
    && install -m 755 target/release/feedfold /usr/local/bin/feedfold

FROM debian:bookworm-slim
# ca-certificates: TLS to an S3 endpoint and WebSub hubs; curl: the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 feedfold \
    && useradd --system --uid 10001 --gid feedfold --home-dir /srv/feedfold \
        --no-create-home --shell /usr/sbin/nologin feedfold \
    && install -d -m 755 /srv/feedfold /srv/feedfold/feeds /etc/feedfold \
    && install -d -m 755 -o feedfold -g feedfold /srv/feedfold/public /srv/feedfold/state
COPY --from=build /usr/local/bin/feedfold /usr/bin/feedfold
COPY dist/docker/config.toml /etc/feedfold/config.toml
COPY README.md LICENSE /usr/share/doc/feedfold/
VOLUME ["/srv/feedfold/feeds", "/srv/feedfold/public", "/srv/feedfold/state"]
USER feedfold
WORKDIR /srv/feedfold
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
CMD ["feedfold", "serve", "--config", "/etc/feedfold/config.toml"]
