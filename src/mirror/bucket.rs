//! The bucket, through `object_store`'s S3 client: blocking calls on a runtime of its own,
//! keys relative to the configured prefix.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, BackoffConfig, ObjectStore, ObjectStoreExt, PutMode, PutOptions,
    PutPayload, RetryConfig, UpdateVersion,
};

use crate::config::S3Settings;

/// Uploads in flight at once.
const PARALLEL: usize = 16;

/// One object to upload.
pub struct Upload {
    pub key: String,
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub cache_control: String,
}

/// An S3 bucket and prefix.
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    runtime: tokio::runtime::Runtime,
    /// `s3://bucket/prefix`, for messages.
    pub name: String,
}

impl Bucket {
    /// Connects (lazily) with credentials from the standard AWS environment.
    pub fn open(s3: &S3Settings) -> Result<Bucket> {
        super::tls::install_crypto_provider();
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_allow_http(s3.allow_http)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(2),
                    base: 2.0,
                },
                max_retries: 3,
                retry_timeout: Duration::from_secs(10),
            });
        if let Some(endpoint) = &s3.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder.build().context("invalid [publish.s3] settings")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the S3 client runtime")?;
        Ok(Bucket {
            store: Arc::new(store),
            prefix: s3.prefix.clone(),
            runtime,
            name: format!("s3://{}/{}", s3.bucket, s3.prefix),
        })
    }

    /// The object path of a key, kept as it is (UTF-8), so that a CDN maps the URL of an
    /// Arabic slug to it.
    fn path(&self, key: &str) -> Result<ObjectPath> {
        ObjectPath::parse(format!("{}{key}", self.prefix))
            .with_context(|| format!("{key:?} cannot be an object key"))
    }

    /// Uploads objects, `PARALLEL` at a time; returns the keys that landed, and the first
    /// error if any did not.
    pub fn put_all(&self, uploads: Vec<Upload>) -> (Vec<String>, Option<anyhow::Error>) {
        let store = &self.store;
        let puts = futures::stream::iter(uploads.into_iter().map(|u| {
            let path = self.path(&u.key);
            let mut attributes = Attributes::new();
            attributes.insert(Attribute::ContentType, u.content_type.into());
            attributes.insert(Attribute::CacheControl, u.cache_control.into());
            let options = PutOptions {
                attributes,
                ..PutOptions::default()
            };
            async move {
                let result = match path {
                    Ok(path) => store
                        .put_opts(&path, PutPayload::from(u.bytes), options)
                        .await
                        .map_err(anyhow::Error::new),
                    Err(e) => Err(e),
                };
                (u.key, result)
            }
        }))
        .buffer_unordered(PARALLEL)
        .collect::<Vec<_>>();
        let mut done = Vec::new();
        let mut first_error = None;
        for (key, result) in self.runtime.block_on(puts) {
            match result {
                Ok(_) => done.push(key),
                Err(e) => {
                    first_error.get_or_insert_with(|| e.context(format!("cannot upload {key}")));
                }
            }
        }
        (done, first_error)
    }

    /// Deletes an object; a missing one is not an error.
    pub fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key)?;
        match self.runtime.block_on(self.store.delete(&path)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot delete {key} from {}", self.name)),
        }
    }

    /// Every key under the prefix.
    pub fn list(&self) -> Result<HashSet<String>> {
        let prefix = self.prefix.trim_end_matches('/');
        let prefix = (!prefix.is_empty()).then(|| ObjectPath::from(prefix));
        let metas = self
            .runtime
            .block_on(self.store.list(prefix.as_ref()).try_collect::<Vec<_>>())
            .with_context(|| format!("cannot list {}", self.name))?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                m.location
                    .as_ref()
                    .strip_prefix(&self.prefix)
                    .map(str::to_string)
            })
            .collect())
    }

    /// Reads an object and its version; `None` when there is none.
    pub fn get(&self, key: &str) -> Result<Option<(Bytes, UpdateVersion)>> {
        let path = self.path(key)?;
        let fetched = self.runtime.block_on(async {
            let result = self.store.get(&path).await?;
            let version = UpdateVersion {
                e_tag: result.meta.e_tag.clone(),
                version: result.meta.version.clone(),
            };
            Ok::<_, object_store::Error>((result.bytes().await?, version))
        });
        match fetched {
            Ok(found) => Ok(Some(found)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {key} from {}", self.name)),
        }
    }

    /// A conditional write: `Ok(Some(version))` when it landed, `Ok(None)` when the
    /// condition failed (the object exists, or changed).
    pub fn put_if(
        &self,
        key: &str,
        bytes: Vec<u8>,
        mode: PutMode,
    ) -> Result<Option<UpdateVersion>> {
        let options = PutOptions {
            mode,
            ..PutOptions::default()
        };
        let path = self.path(key)?;
        let put = self.store.put_opts(&path, PutPayload::from(bytes), options);
        match self.runtime.block_on(put) {
            Ok(result) => Ok(Some(UpdateVersion {
                e_tag: result.e_tag,
                version: result.version,
            })),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot write {key} to {}", self.name)),
        }
    }
}
