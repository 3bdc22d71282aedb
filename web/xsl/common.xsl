<?xml version="1.0" encoding="UTF-8"?>
<!--
  What every page shares: the texts of the page's language (t, tf), dates
  in words (date, datetime), the placeholder filler.  The texts are
  web/lang/LANG.xml, one catalogue per language; the daemon hands
  $lang (kk, ru or en) to every page, and the function cx:text (the
  catalogues loaded in memory, web/view.c).  A key the catalogue lacks
  stops the page: never a blank or a key on screen.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:cx="urn:complaints:web" exclude-result-prefixes="cx">

<xsl:param name="lang" select="'kk'"/>

<!-- The text of $k in the page's language (or in language $in):
     cx:text is the daemon's, over the catalogues it loaded; a key no
     catalogue has stops the page. cx:has says whether there is one. -->
<xsl:template name="t">
  <xsl:param name="k"/>
  <xsl:param name="in" select="$lang"/>
  <xsl:value-of select="cx:text(string($k), string($in))"/>
</xsl:template>

<!-- The text of $k with {n1}, {n2}, {n3} filled in. -->
<xsl:template name="tf">
  <xsl:param name="k"/>
  <xsl:param name="n1"/><xsl:param name="v1"/>
  <xsl:param name="n2"/><xsl:param name="v2"/>
  <xsl:param name="n3"/><xsl:param name="v3"/>
  <xsl:variable name="s">
    <xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template>
  </xsl:variable>
  <xsl:call-template name="fill">
    <xsl:with-param name="s" select="string($s)"/>
    <xsl:with-param name="n1" select="$n1"/><xsl:with-param name="v1" select="$v1"/>
    <xsl:with-param name="n2" select="$n2"/><xsl:with-param name="v2" select="$v2"/>
    <xsl:with-param name="n3" select="$n3"/><xsl:with-param name="v3" select="$v3"/>
  </xsl:call-template>
</xsl:template>

<xsl:template name="fill">
  <xsl:param name="s"/>
  <xsl:param name="n1"/><xsl:param name="v1"/>
  <xsl:param name="n2"/><xsl:param name="v2"/>
  <xsl:param name="n3"/><xsl:param name="v3"/>
  <xsl:choose>
    <xsl:when test="contains($s, '{') and contains(substring-after($s, '{'), '}')">
      <xsl:variable name="rest" select="substring-after($s, '{')"/>
      <xsl:variable name="name" select="substring-before($rest, '}')"/>
      <xsl:value-of select="substring-before($s, '{')"/>
      <xsl:choose>
        <xsl:when test="$n1 != '' and $name = $n1"><xsl:value-of select="$v1"/></xsl:when>
        <xsl:when test="$n2 != '' and $name = $n2"><xsl:value-of select="$v2"/></xsl:when>
        <xsl:when test="$n3 != '' and $name = $n3"><xsl:value-of select="$v3"/></xsl:when>
        <xsl:otherwise>{<xsl:value-of select="$name"/>}</xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="fill">
        <xsl:with-param name="s" select="substring-after($rest, '}')"/>
        <xsl:with-param name="n1" select="$n1"/><xsl:with-param name="v1" select="$v1"/>
        <xsl:with-param name="n2" select="$n2"/><xsl:with-param name="v2" select="$v2"/>
        <xsl:with-param name="n3" select="$n3"/><xsl:with-param name="v3" select="$v3"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- "2026-12-17" in the words of the language; as given when not a date. -->
<xsl:template name="date">
  <xsl:param name="iso"/>
  <xsl:variable name="m" select="number(substring($iso, 6, 2))"/>
  <xsl:variable name="d" select="number(substring($iso, 9, 2))"/>
  <xsl:choose>
    <xsl:when test="string-length($iso) &gt;= 10 and substring($iso, 5, 1) = '-'
                    and substring($iso, 8, 1) = '-' and $m &gt;= 1 and $m &lt;= 12
                    and $d &gt;= 1 and $d &lt;= 31">
      <xsl:call-template name="tf">
        <xsl:with-param name="k" select="'date.format'"/>
        <xsl:with-param name="n1" select="'day'"/><xsl:with-param name="v1" select="$d"/>
        <xsl:with-param name="n2" select="'month'"/>
        <xsl:with-param name="v2">
          <xsl:call-template name="t"><xsl:with-param name="k" select="concat('month.', $m)"/></xsl:call-template>
        </xsl:with-param>
        <xsl:with-param name="n3" select="'year'"/><xsl:with-param name="v3" select="substring($iso, 1, 4)"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$iso"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- "2026-11-26T14:27:17+05:00": the date in words and hh:mm. -->
<xsl:template name="datetime">
  <xsl:param name="at"/>
  <xsl:variable name="date">
    <xsl:call-template name="date"><xsl:with-param name="iso" select="substring($at, 1, 10)"/></xsl:call-template>
  </xsl:variable>
  <xsl:choose>
    <xsl:when test="string-length($at) &gt;= 16 and substring($at, 11, 1) = 'T'">
      <xsl:call-template name="tf">
        <xsl:with-param name="k" select="'datetime.format'"/>
        <xsl:with-param name="n1" select="'date'"/><xsl:with-param name="v1" select="string($date)"/>
        <xsl:with-param name="n2" select="'time'"/><xsl:with-param name="v2" select="substring($at, 12, 5)"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$date"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- The doctype of every page (the html output method has no HTML5 one). -->
<xsl:template name="doctype">
  <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
</xsl:template>

</xsl:stylesheet>
