<?xml version="1.0" encoding="UTF-8"?>
<!-- feedfold: shows an RSS 2.0 or Atom 1.0 feed opened in a browser as a readable page. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>

  <xsl:variable name="lang" select="(/rss/channel/language | /atom:feed/@xml:lang)[1]"/>
  <xsl:variable name="primary" select="substring-before(concat(translate($lang, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '-'), '-')"/>
  <xsl:variable name="rtl" select="$primary = 'ar' or $primary = 'fa' or $primary = 'ur' or $primary = 'he' or $primary = 'yi' or $primary = 'ps' or $primary = 'sd' or $primary = 'ug' or $primary = 'ckb' or $primary = 'dv'"/>
  <xsl:variable name="arabic" select="$primary = 'ar'"/>
  <xsl:variable name="title" select="(/rss/channel/title | /atom:feed/atom:title)[1]"/>
  <xsl:variable name="self" select="(/rss/channel/atom:link[@rel = 'self']/@href | /atom:feed/atom:link[@rel = 'self']/@href)[1]"/>
  <xsl:variable name="home" select="(/rss/channel/link | /atom:feed/atom:link[@rel = 'alternate']/@href)[1]"/>

  <xsl:template match="/">
    <html lang="{$lang}">
      <xsl:attribute name="dir">
        <xsl:choose><xsl:when test="$rtl">rtl</xsl:when><xsl:otherwise>ltr</xsl:otherwise></xsl:choose>
      </xsl:attribute>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/></title>
        <style>
          body{margin:0;background:#fdfdfb;color:#1d1d1f;font:1.1rem/1.75 system-ui,"Segoe UI",Roboto,"Noto Sans",sans-serif}
          :lang(ar),:lang(fa),:lang(ur){font-family:"Noto Naskh Arabic","Amiri","Geeza Pro","Noto Sans Arabic",Tahoma,"DejaVu Sans",sans-serif;line-height:1.9}
          /* The top padding leaves room for the notice some browsers lay over XSLT pages. */
          main{max-width:44rem;margin:0 auto;padding:7rem 1.25rem 1.25rem}
          .box{background:#fff6d6;border:1px solid #e8d48a;border-radius:.5rem;padding:.75rem 1rem;margin-block:1rem 2rem;font-size:.95rem}
          .box code{display:block;direction:ltr;text-align:left;word-break:break-all;background:#fff;padding:.3rem .5rem;margin-top:.5rem;border-radius:.25rem}
          a{color:#0b5f8a}
          h1{font-size:1.9rem;line-height:1.35;margin:.25rem 0}
          ul{list-style:none;padding:0}
          li{border-block-end:1px solid #e3e3dc;padding-block:.9rem}
          li a{font-weight:700;font-size:1.15rem;text-decoration:none}
          li p{margin:.25rem 0 0;color:#5f6368}
          .date{color:#5f6368;font-size:.9rem}
        </style>
      </head>
      <body>
        <main>
          <section class="box">
            <strong>
              <xsl:choose>
                <xsl:when test="$arabic">هذه خلاصة ويب (RSS/Atom) وليست صفحة عادية.</xsl:when>
                <xsl:otherwise>This is a web feed (RSS/Atom), not an ordinary page.</xsl:otherwise>
              </xsl:choose>
            </strong>
            <xsl:text> </xsl:text>
            <xsl:choose>
              <xsl:when test="$arabic">للاشتراك، انسخ هذا العنوان والصقه في قارئ الخلاصات لديك: </xsl:when>
              <xsl:otherwise>To subscribe, copy this address into your feed reader: </xsl:otherwise>
            </xsl:choose>
            <code><xsl:value-of select="$self"/></code>
          </section>
          <h1><a href="{$home}"><xsl:value-of select="$title"/></a></h1>
          <p><xsl:value-of select="(/rss/channel/description | /atom:feed/atom:subtitle)[1]"/></p>
          <ul>
            <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <a href="{link}"><xsl:value-of select="title"/></a>
      <div class="date"><span dir="ltr"><xsl:value-of select="substring(pubDate, 6, 11)"/></span></div>
      <p><xsl:value-of select="description"/></p>
    </li>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <a href="{atom:link[@rel = 'alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      <div class="date"><span dir="ltr"><xsl:value-of select="substring(atom:published | atom:updated, 1, 10)"/></span></div>
      <p><xsl:value-of select="atom:summary"/></p>
    </li>
  </xsl:template>
</xsl:stylesheet>
