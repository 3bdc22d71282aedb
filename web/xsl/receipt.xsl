<?xml version="1.0" encoding="UTF-8"?>
<!-- The talon as a receipt for a 42-column thermal printer: plain text,
     every line at most 42 characters, words wrapped whole (a word longer
     than a line, such as the status page's address, is cut); the
     slip's labels (talon.* of the catalogues).  The
     <talon> of GET /api/v1/talons/{number}/talon; the access code, once
     checked, in $code; the status page's address in $status-url.  For
     GET /api/v1/talons/{number}/slip?format=text and the desk's talon
     page. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="common.xsl"/>
<xsl:output method="text" encoding="UTF-8"/>

<xsl:param name="code" select="''"/>
<xsl:param name="status-url" select="''"/>
<xsl:variable name="tal" select="/talon"/>
<xsl:variable name="width" select="42"/>
<xsl:variable name="rule" select="'=========================================='"/>
<xsl:variable name="thin" select="'------------------------------------------'"/>
<xsl:variable name="nl" select="'&#10;'"/>

<xsl:template match="/">
  <xsl:value-of select="concat($rule, $nl)"/>
  <xsl:call-template name="centre">
    <xsl:with-param name="s"><xsl:call-template name="t"><xsl:with-param name="k" select="'talon.title'"/></xsl:call-template></xsl:with-param>
  </xsl:call-template>
  <xsl:call-template name="centre">
    <xsl:with-param name="s"><xsl:call-template name="t"><xsl:with-param name="k" select="'talon.subtitle'"/></xsl:call-template></xsl:with-param>
  </xsl:call-template>
  <xsl:call-template name="wrap">
    <xsl:with-param name="s">
      <xsl:choose>
        <xsl:when test="$lang = 'ru' and $tal/body/@name-ru"><xsl:value-of select="$tal/body/@name-ru"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$tal/body"/></xsl:otherwise>
      </xsl:choose>
    </xsl:with-param>
  </xsl:call-template>
  <xsl:value-of select="concat($thin, $nl)"/>
  <xsl:call-template name="item">
    <xsl:with-param name="k" select="'talon.number'"/>
    <xsl:with-param name="v" select="string($tal/number)"/>
  </xsl:call-template>
  <xsl:if test="$code != ''">
    <xsl:call-template name="item">
      <xsl:with-param name="k" select="'talon.code'"/>
      <xsl:with-param name="v">
        <!-- In two groups of four, as the slip prints it. -->
        <xsl:choose>
          <xsl:when test="string-length($code) = 8"><xsl:value-of select="concat(substring($code, 1, 4), '-', substring($code, 5))"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$code"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:if>
  <xsl:call-template name="item">
    <xsl:with-param name="k" select="'talon.journal'"/>
    <xsl:with-param name="v" select="concat($tal/journal-number, '/', $tal/journal-number/@year)"/>
  </xsl:call-template>
  <xsl:if test="$tal/received-at">
    <xsl:call-template name="item">
      <xsl:with-param name="k" select="'talon.accepted'"/>
      <xsl:with-param name="v"><xsl:call-template name="when"><xsl:with-param name="at" select="string($tal/received-at)"/></xsl:call-template></xsl:with-param>
    </xsl:call-template>
  </xsl:if>
  <!-- Received before it was registered: the time received is the time
       of acceptance, the registration after it, as the slip says. -->
  <xsl:call-template name="item">
    <xsl:with-param name="k">
      <xsl:choose>
        <xsl:when test="$tal/received-at">talon.registered</xsl:when>
        <xsl:otherwise>talon.accepted</xsl:otherwise>
      </xsl:choose>
    </xsl:with-param>
    <xsl:with-param name="v"><xsl:call-template name="when"><xsl:with-param name="at" select="string($tal/accepted-at)"/></xsl:call-template></xsl:with-param>
  </xsl:call-template>
  <xsl:call-template name="item">
    <xsl:with-param name="k" select="'talon.registrar'"/>
    <xsl:with-param name="v" select="concat($tal/accepted-by/name, ', ', $tal/accepted-by/position)"/>
  </xsl:call-template>
  <xsl:call-template name="item">
    <xsl:with-param name="k" select="'talon.due'"/>
    <xsl:with-param name="v"><xsl:call-template name="when"><xsl:with-param name="at" select="string($tal/due)"/></xsl:call-template></xsl:with-param>
  </xsl:call-template>
  <xsl:if test="$tal/clause">
    <xsl:call-template name="wrap">
      <xsl:with-param name="s" select="string($tal/clause)"/>
      <xsl:with-param name="indent" select="'  '"/>
    </xsl:call-template>
  </xsl:if>
  <xsl:if test="$status-url != ''">
    <xsl:value-of select="concat($thin, $nl)"/>
    <xsl:call-template name="wrap">
      <xsl:with-param name="s"><xsl:call-template name="t"><xsl:with-param name="k" select="'talon.check'"/></xsl:call-template></xsl:with-param>
    </xsl:call-template>
    <xsl:call-template name="wrap"><xsl:with-param name="s" select="concat($status-url, $tal/number)"/></xsl:call-template>
  </xsl:if>
  <xsl:value-of select="concat($thin, $nl)"/>
  <xsl:call-template name="wrap">
    <xsl:with-param name="s"><xsl:call-template name="t"><xsl:with-param name="k" select="'talon.keep'"/></xsl:call-template></xsl:with-param>
  </xsl:call-template>
  <xsl:value-of select="concat($rule, $nl)"/>
</xsl:template>

<!-- A day (and time) as on the slip: 16.11.2026 15:42. -->
<xsl:template name="when">
  <xsl:param name="at"/>
  <xsl:value-of select="concat(substring($at, 9, 2), '.', substring($at, 6, 2), '.', substring($at, 1, 4))"/>
  <xsl:if test="substring($at, 11, 1) = 'T'"><xsl:value-of select="concat(' ', substring($at, 12, 5))"/></xsl:if>
</xsl:template>

<!-- A label on its line, the value wrapped below it, indented by two. -->
<xsl:template name="item">
  <xsl:param name="k"/>
  <xsl:param name="v"/>
  <xsl:call-template name="wrap">
    <xsl:with-param name="s"><xsl:call-template name="t"><xsl:with-param name="k" select="string($k)"/></xsl:call-template>:</xsl:with-param>
  </xsl:call-template>
  <xsl:call-template name="wrap">
    <xsl:with-param name="s" select="string($v)"/>
    <xsl:with-param name="indent" select="'  '"/>
  </xsl:call-template>
</xsl:template>

<xsl:template name="centre">
  <xsl:param name="s"/>
  <xsl:variable name="t" select="normalize-space($s)"/>
  <xsl:choose>
    <xsl:when test="string-length($t) &lt; $width">
      <xsl:value-of select="concat(substring('                                          ', 1, floor(($width - string-length($t)) div 2)), $t, $nl)"/>
    </xsl:when>
    <xsl:otherwise><xsl:call-template name="wrap"><xsl:with-param name="s" select="$t"/></xsl:call-template></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- s in lines of at most $width characters, each starting with indent. -->
<xsl:template name="wrap">
  <xsl:param name="s"/>
  <xsl:param name="indent" select="''"/>
  <xsl:call-template name="words">
    <xsl:with-param name="rest" select="normalize-space($s)"/>
    <xsl:with-param name="indent" select="$indent"/>
  </xsl:call-template>
</xsl:template>

<xsl:template name="words">
  <xsl:param name="rest"/>
  <xsl:param name="line" select="''"/>
  <xsl:param name="indent"/>
  <xsl:variable name="room" select="$width - string-length($indent)"/>
  <xsl:variable name="word" select="substring-before(concat($rest, ' '), ' ')"/>
  <xsl:variable name="after" select="substring-after($rest, ' ')"/>
  <xsl:choose>
    <xsl:when test="$rest = ''">
      <xsl:if test="$line != ''"><xsl:value-of select="concat($indent, $line, $nl)"/></xsl:if>
    </xsl:when>
    <xsl:when test="$line = '' and string-length($word) &gt; $room">
      <!-- A word longer than a line: cut. -->
      <xsl:value-of select="concat($indent, substring($word, 1, $room), $nl)"/>
      <xsl:call-template name="words">
        <xsl:with-param name="rest" select="normalize-space(concat(substring($word, $room + 1), ' ', $after))"/>
        <xsl:with-param name="indent" select="$indent"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:when test="$line = ''">
      <xsl:call-template name="words">
        <xsl:with-param name="rest" select="$after"/>
        <xsl:with-param name="line" select="$word"/>
        <xsl:with-param name="indent" select="$indent"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:when test="string-length($line) + 1 + string-length($word) &lt;= $room">
      <xsl:call-template name="words">
        <xsl:with-param name="rest" select="$after"/>
        <xsl:with-param name="line" select="concat($line, ' ', $word)"/>
        <xsl:with-param name="indent" select="$indent"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <xsl:value-of select="concat($indent, $line, $nl)"/>
      <xsl:call-template name="words">
        <xsl:with-param name="rest" select="$rest"/>
        <xsl:with-param name="indent" select="$indent"/>
      </xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>
</xsl:stylesheet>
