<?xml version="1.0" encoding="UTF-8"?>
<!--
  The notices: the text of every letter and email (notify/notice.c).
  Its document is the notice's facts:

    <notice kind="decision|extended|forwarded|overdue|reminder|received|
                  confirm|talon">
      <full-name/> <talon/> <accepted-on/> <journal-number/> <due/>
      <new-due/> <body-name/> <service/> <service-title/> <outcome/>
      <reasoning/> <decided-by/> <appeal-to/> <court-clause/>
      <forwarded-to/> <forward-reason/> <extension-reason/> <status-url/>
      <confirm-url/>
    </notice>

  an element only where the fact is known.  The output is text: the
  subject on the first line, a blank line, then the paragraphs, one blank
  line apart.  Every sentence is a text of the catalogue (notice.*), with
  {name} filled in from the element of that name: dates (YYYY-MM-DD) as
  notice.date writes them, {outcome} as notice.outcome.VALUE says it.  A
  text the catalogue lacks, or a {name} the notice has no fact for, stops
  the notice: never a blank in a letter.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:cx="urn:complaints:web" exclude-result-prefixes="cx">
<xsl:import href="common.xsl"/>
<xsl:output method="text" encoding="UTF-8"/>
<xsl:strip-space elements="*"/>

<!-- notice: the subject and text; letter: the letterhead's texts. -->
<xsl:param name="part" select="'notice'"/>

<xsl:variable name="n" select="/notice"/>
<xsl:variable name="dates" select="' accepted-on due new-due date '"/>

<!-- The value of fact $name as the text shows it. -->
<xsl:template name="fact">
  <xsl:param name="name"/>
  <xsl:variable name="v" select="$n/*[local-name() = $name]"/>
  <xsl:choose>
    <xsl:when test="not($v) or string($v) = ''">
      <xsl:message terminate="yes">notice <xsl:value-of select="$n/@kind"/>: no fact for {<xsl:value-of select="$name"/>}</xsl:message>
    </xsl:when>
    <xsl:when test="$name = 'outcome'">
      <xsl:call-template name="t"><xsl:with-param name="k" select="concat('notice.outcome.', $v)"/></xsl:call-template>
    </xsl:when>
    <xsl:when test="contains($dates, concat(' ', $name, ' '))">
      <xsl:call-template name="fill">
        <xsl:with-param name="s" select="cx:text('notice.date', $lang)"/>
        <xsl:with-param name="n1" select="'day'"/><xsl:with-param name="v1" select="substring($v, 9, 2)"/>
        <xsl:with-param name="n2" select="'month'"/><xsl:with-param name="v2" select="substring($v, 6, 2)"/>
        <xsl:with-param name="n3" select="'year'"/><xsl:with-param name="v3" select="substring($v, 1, 4)"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- $s with every {name} replaced by the fact. -->
<xsl:template name="facts">
  <xsl:param name="s"/>
  <xsl:choose>
    <xsl:when test="contains($s, '{') and contains(substring-after($s, '{'), '}')">
      <xsl:variable name="rest" select="substring-after($s, '{')"/>
      <xsl:value-of select="substring-before($s, '{')"/>
      <xsl:call-template name="fact">
        <xsl:with-param name="name" select="substring-before($rest, '}')"/>
      </xsl:call-template>
      <xsl:call-template name="facts">
        <xsl:with-param name="s" select="substring-after($rest, '}')"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- A paragraph: a blank line, then the text of $k filled in. -->
<xsl:template name="p">
  <xsl:param name="k"/>
  <xsl:text>&#10;&#10;</xsl:text>
  <xsl:call-template name="line"><xsl:with-param name="k" select="$k"/></xsl:call-template>
</xsl:template>

<!-- The text of $k filled in, no line break before it. -->
<xsl:template name="line">
  <xsl:param name="k"/>
  <xsl:call-template name="facts">
    <xsl:with-param name="s" select="cx:text(string($k), $lang)"/>
  </xsl:call-template>
</xsl:template>

<!-- The next line of the same paragraph. -->
<xsl:template name="br">
  <xsl:param name="k"/>
  <xsl:text>&#10;</xsl:text>
  <xsl:call-template name="line"><xsl:with-param name="k" select="$k"/></xsl:call-template>
</xsl:template>

<xsl:template match="/">
  <xsl:choose>
    <xsl:when test="$part = 'letter'"><xsl:call-template name="letter"/></xsl:when>
    <xsl:otherwise><xsl:call-template name="notice"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!--
  The letterhead of a letter, in Kazakh and Russian as the body's form
  is (a label once where both say the same): the address and phones
  line, a carriage return, the reference block beside the envelope's window,
  a carriage return, the caption of the status page's QR code.
-->
<xsl:template name="both">
  <xsl:param name="k"/>
  <xsl:variable name="kk" select="cx:text(string($k), 'kk')"/>
  <xsl:variable name="ru" select="cx:text(string($k), 'ru')"/>
  <xsl:value-of select="$kk"/>
  <xsl:if test="$ru != $kk"> / <xsl:value-of select="$ru"/></xsl:if>
</xsl:template>

<xsl:template name="ref">
  <xsl:param name="k"/>
  <xsl:param name="fact"/>
  <xsl:if test="$n/*[local-name() = $fact] != ''">
    <xsl:call-template name="both"><xsl:with-param name="k" select="$k"/></xsl:call-template>
    <xsl:text>: </xsl:text>
    <xsl:call-template name="fact"><xsl:with-param name="name" select="$fact"/></xsl:call-template>
    <xsl:text>&#10;</xsl:text>
  </xsl:if>
</xsl:template>

<xsl:template name="letter">
  <xsl:value-of select="$n/body-address"/>
  <xsl:if test="$n/body-address != '' and $n/body-phones != ''"><xsl:text>   </xsl:text></xsl:if>
  <xsl:if test="$n/body-phones != ''">
    <xsl:call-template name="both"><xsl:with-param name="k" select="'letter.phones'"/></xsl:call-template>
    <xsl:text>: </xsl:text><xsl:value-of select="$n/body-phones"/>
  </xsl:if>
  <xsl:text>&#13;</xsl:text>
  <xsl:call-template name="ref">
    <xsl:with-param name="k" select="'letter.out-number'"/><xsl:with-param name="fact" select="'out-number'"/>
  </xsl:call-template>
  <xsl:call-template name="ref">
    <xsl:with-param name="k" select="'letter.date'"/><xsl:with-param name="fact" select="'date'"/>
  </xsl:call-template>
  <xsl:call-template name="ref">
    <xsl:with-param name="k" select="'letter.journal-number'"/><xsl:with-param name="fact" select="'journal-number'"/>
  </xsl:call-template>
  <xsl:call-template name="ref">
    <xsl:with-param name="k" select="'letter.talon'"/><xsl:with-param name="fact" select="'talon'"/>
  </xsl:call-template>
  <xsl:text>&#13;</xsl:text>
  <xsl:value-of select="cx:text('letter.status', 'kk')"/>
  <xsl:text>&#10;</xsl:text>
  <xsl:value-of select="cx:text('letter.status', 'ru')"/>
</xsl:template>

<xsl:template name="notice">
  <xsl:variable name="kind" select="$n/@kind"/>
  <xsl:if test="not(contains(' decision extended forwarded overdue reminder received confirm talon ', concat(' ', $kind, ' ')))">
    <xsl:message terminate="yes">no such notice: <xsl:value-of select="$kind"/></xsl:message>
  </xsl:if>
  <xsl:call-template name="line">
    <xsl:with-param name="k" select="concat('notice.', $kind, '.subject')"/>
  </xsl:call-template>
  <xsl:apply-templates select="$n"/>
  <xsl:text>&#10;</xsl:text>
</xsl:template>

<xsl:template name="greeting">
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.greeting'"/></xsl:call-template>
</xsl:template>

<xsl:template name="status-url">
  <xsl:param name="k" select="'notice.status-url'"/>
  <xsl:if test="$n/status-url != ''">
    <xsl:call-template name="p"><xsl:with-param name="k" select="$k"/></xsl:call-template>
  </xsl:if>
</xsl:template>

<xsl:template name="sign-off">
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.sign-off'"/></xsl:call-template>
</xsl:template>

<xsl:template match="notice[@kind = 'decision']">
  <xsl:call-template name="greeting"/>
  <xsl:call-template name="p">
    <xsl:with-param name="k">notice.decision.intro<xsl:if test="service-title != ''">.service</xsl:if></xsl:with-param>
  </xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.decision.outcome'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.decision.reasoning'"/></xsl:call-template>
  <xsl:call-template name="p">
    <xsl:with-param name="k">notice.decision.<xsl:choose>
      <xsl:when test="appeal-to != ''">appeal</xsl:when>
      <xsl:otherwise>court</xsl:otherwise>
    </xsl:choose><xsl:if test="court-clause != ''">.clause</xsl:if></xsl:with-param>
  </xsl:call-template>
  <xsl:call-template name="status-url"/>
  <xsl:call-template name="p">
    <xsl:with-param name="k">notice.sign-off<xsl:if test="decided-by != ''">.decided</xsl:if></xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template match="notice[@kind = 'extended']">
  <xsl:call-template name="greeting"/>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.extended.intro'"/></xsl:call-template>
  <xsl:if test="extension-reason != ''">
    <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.extended.reason'"/></xsl:call-template>
  </xsl:if>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.extended.later'"/></xsl:call-template>
  <xsl:call-template name="status-url"/>
  <xsl:call-template name="sign-off"/>
</xsl:template>

<xsl:template match="notice[@kind = 'forwarded']">
  <xsl:call-template name="greeting"/>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.forwarded.intro'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.forwarded.to'"/></xsl:call-template>
  <xsl:if test="forward-reason != ''">
    <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.forwarded.reason'"/></xsl:call-template>
  </xsl:if>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.forwarded.term'"/></xsl:call-template>
  <xsl:call-template name="status-url"/>
  <xsl:call-template name="sign-off"/>
</xsl:template>

<!-- To the head of a body: the complaint is late, or soon will be. -->
<xsl:template match="notice[@kind = 'overdue' or @kind = 'reminder']">
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.staff.to-head'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="concat('notice.', @kind, '.intro')"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.staff.applicant'"/></xsl:call-template>
  <xsl:if test="service-title != ''">
    <xsl:call-template name="br">
      <xsl:with-param name="k">notice.staff.service<xsl:if test="not(service &gt; 0)">-title</xsl:if></xsl:with-param>
    </xsl:call-template>
  </xsl:if>
  <xsl:call-template name="br"><xsl:with-param name="k" select="'notice.staff.talon'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="concat('notice.', @kind, '.ask')"/></xsl:call-template>
  <xsl:call-template name="status-url">
    <xsl:with-param name="k" select="'notice.staff.status-url'"/>
  </xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.staff.auto'"/></xsl:call-template>
</xsl:template>

<!-- Online filing: a letter came by mail and waits for the registrar. -->
<xsl:template match="notice[@kind = 'received']">
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.received.hello'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.received.intro'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.received.auto'"/></xsl:call-template>
</xsl:template>

<xsl:template match="notice[@kind = 'confirm']">
  <xsl:call-template name="greeting"/>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.confirm.intro'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.confirm.url'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.confirm.note'"/></xsl:call-template>
</xsl:template>

<xsl:template match="notice[@kind = 'talon']">
  <xsl:call-template name="greeting"/>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.talon.intro'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.talon.facts'"/></xsl:call-template>
  <xsl:call-template name="p"><xsl:with-param name="k" select="'notice.talon.attached'"/></xsl:call-template>
  <xsl:call-template name="status-url"/>
</xsl:template>

</xsl:stylesheet>
