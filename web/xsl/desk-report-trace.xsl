<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/reports/complaints: the complaints behind a figure of a
     report, a page at a time.  The document is <desk> with <query> (the
     arguments as given) and the <report-complaints> of GET
     /api/v1/reports/complaints with the same arguments: a <complaint>
     per event counted (talon, body, service, day, event, state) and
     <more after=""> when there is another page.  Each talon links to
     its case. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:cx="urn:complaints:web" exclude-result-prefixes="cx">
<xsl:import href="desk-reports.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="tr" select="/desk/report-complaints"/>

<!-- The arguments of this list (all but after), for the next page. -->
<xsl:variable name="trace-args">
  <xsl:text>figure=</xsl:text><xsl:value-of select="$q/@figure"/>
  <xsl:text>&amp;from=</xsl:text><xsl:value-of select="$q/@from"/>
  <xsl:text>&amp;to=</xsl:text><xsl:value-of select="$q/@to"/>
  <xsl:for-each select="$q/@body | $q/@service | $q/@group | $q/@channel | $q/@institution | $q/@month">
    <xsl:text>&amp;</xsl:text><xsl:value-of select="name()"/>=<xsl:value-of select="."/>
  </xsl:for-each>
</xsl:variable>

<xsl:template match="/">
  <xsl:variable name="figure">
    <xsl:choose>
      <xsl:when test="$q/@figure = 'days-to-decision'"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.trace.days-to-decision'"/></xsl:call-template></xsl:when>
      <xsl:when test="$q/@figure and cx:has(concat('report.figure.', $q/@figure))"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('report.figure.', $q/@figure)"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:value-of select="$q/@figure"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="title">
    <xsl:call-template name="tf">
      <xsl:with-param name="k" select="'desk.trace.title'"/>
      <xsl:with-param name="n1" select="'figure'"/><xsl:with-param name="v1" select="string($figure)"/>
    </xsl:call-template>
  </xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1><xsl:value-of select="$title"/></h1>
      <p class="back"><a href="/desk/reports?from={$q/@from}&amp;to={$q/@to}&amp;group={$q/@group}&amp;body={$q/@body}&amp;service={$q/@service}"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.trace.back'"/></xsl:call-template></a></p>
      <xsl:call-template name="report-error"/>
      <xsl:if test="$tr">
        <p class="period">
          <xsl:call-template name="tf">
            <xsl:with-param name="k" select="'desk.reports.period'"/>
            <xsl:with-param name="n1" select="'from'"/><xsl:with-param name="v1"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($tr/@from)"/></xsl:call-template></xsl:with-param>
            <xsl:with-param name="n2" select="'to'"/><xsl:with-param name="v2"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($tr/@to)"/></xsl:call-template></xsl:with-param>
          </xsl:call-template>
          <xsl:for-each select="$tr/@body | $q/@service | $q/@channel | $q/@institution | $q/@month">
            <xsl:if test=". != ''"><xsl:text> · </xsl:text><xsl:value-of select="."/></xsl:if>
          </xsl:for-each>
        </p>
        <xsl:call-template name="trace-list"/>
      </xsl:if>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template name="trace-list">
  <xsl:choose>
    <xsl:when test="not($tr/complaint)">
      <p class="empty"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.trace.none'"/></xsl:call-template></p>
    </xsl:when>
    <xsl:otherwise>
      <p class="count">
        <xsl:call-template name="tf">
          <xsl:with-param name="k" select="'desk.trace.count'"/>
          <xsl:with-param name="n1" select="'n'"/><xsl:with-param name="v1" select="count($tr/complaint)"/>
        </xsl:call-template>
      </p>
      <div class="table-wrap" tabindex="0" role="region" aria-labelledby="trace-caption">
      <table class="inbox trace" id="trace">
        <caption id="trace-caption"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.trace.caption'"/></xsl:call-template></caption>
        <thead><tr>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.talon'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.trace.col.day'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.trace.col.event'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.trace.col.body'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.service'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.state'"/></xsl:call-template></th>
        </tr></thead>
        <tbody>
          <xsl:for-each select="$tr/complaint">
            <tr>
              <th scope="row">
                <xsl:choose>
                  <xsl:when test="@readable = 'false'"><xsl:value-of select="@talon"/></xsl:when>
                  <xsl:otherwise><a href="/desk/complaints/{@talon}"><xsl:value-of select="@talon"/></a></xsl:otherwise>
                </xsl:choose>
              </th>
              <td><time datetime="{@day}"><xsl:call-template name="date"><xsl:with-param name="iso" select="string(@day)"/></xsl:call-template></time></td>
              <td>
                <xsl:choose>
                  <xsl:when test="cx:has(concat('action.', @event))"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('action.', @event)"/></xsl:call-template></xsl:when>
                  <xsl:otherwise><xsl:value-of select="@event"/></xsl:otherwise>
                </xsl:choose>
              </td>
              <td><span class="code"><xsl:value-of select="@body"/></span></td>
              <td><xsl:value-of select="@service"/>. <xsl:call-template name="service-name"><xsl:with-param name="n" select="@service"/></xsl:call-template></td>
              <td><xsl:call-template name="state-name"><xsl:with-param name="s" select="@state"/></xsl:call-template></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      </div>
      <nav class="pages">
        <xsl:if test="$q/@after">
          <a href="/desk/reports/complaints?{$trace-args}"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.first'"/></xsl:call-template></a>
        </xsl:if>
        <xsl:if test="$tr/more">
          <a rel="next" href="/desk/reports/complaints?{$trace-args}&amp;after={$tr/more/@after}"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.next'"/></xsl:call-template></a>
        </xsl:if>
      </nav>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>
</xsl:stylesheet>
