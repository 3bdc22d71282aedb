<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/reports: the reports of a period.  The document is
     <desk> with <query> (the form as given), <summary group=""> holding
     the <report> of GET /api/v1/reports/summary in the grouping asked
     for, three <chart-data group="month|body|service"> with the reports
     the charts draw, and for those who see every body <bodies> (the
     report by body of the period, for the body filter).  Every figure
     links to its complaints (/desk/reports/complaints, the API's trace
     with the same arguments); each chart is an <img> of the API's SVG
     with its figures in a table beside it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:cx="urn:complaints:web" exclude-result-prefixes="cx">
<xsl:import href="desk-inbox.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="rep" select="/desk/summary/report"/>
<xsl:variable name="all" select="$me/@role = 'desk' or $me/@role = 'admin'"/>

<!-- The arguments of the period, body and service, for links. -->
<xsl:variable name="args">
  <xsl:text>from=</xsl:text><xsl:value-of select="$rep/@from"/>
  <xsl:text>&amp;to=</xsl:text><xsl:value-of select="$rep/@to"/>
  <xsl:if test="$q/@body != ''">&amp;body=<xsl:value-of select="$q/@body"/></xsl:if>
  <xsl:if test="$q/@service != ''">&amp;service=<xsl:value-of select="$q/@service"/></xsl:if>
</xsl:variable>

<xsl:template match="/">
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.title'"/></xsl:call-template></xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:call-template name="report-error"/>
      <xsl:call-template name="report-form"/>
      <xsl:if test="$rep">
        <xsl:call-template name="summary"/>
        <xsl:call-template name="charts"/>
      </xsl:if>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>

<!-- The error, with the reports' own words for their codes. -->
<xsl:template name="report-error">
  <xsl:if test="$err">
    <div class="alert" role="alert" id="error">
      <h2><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.error.heading'"/></xsl:call-template></h2>
      <p>
        <xsl:variable name="k" select="concat('desk.reports.error.', $err/@code)"/>
        <xsl:choose>
          <xsl:when test="cx:has(string($k))">
            <xsl:call-template name="tf">
              <xsl:with-param name="k" select="$k"/>
              <xsl:with-param name="n1" select="'message'"/><xsl:with-param name="v1" select="string($err)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="error-text"/></xsl:otherwise>
        </xsl:choose>
      </p>
    </div>
  </xsl:if>
</xsl:template>

<xsl:template name="report-form">
  <xsl:variable name="from"><xsl:choose><xsl:when test="$rep"><xsl:value-of select="$rep/@from"/></xsl:when><xsl:otherwise><xsl:value-of select="$q/@from"/></xsl:otherwise></xsl:choose></xsl:variable>
  <xsl:variable name="to"><xsl:choose><xsl:when test="$rep"><xsl:value-of select="$rep/@to"/></xsl:when><xsl:otherwise><xsl:value-of select="$q/@to"/></xsl:otherwise></xsl:choose></xsl:variable>
  <form method="get" action="/desk/reports" class="filters report-filters">
    <fieldset>
      <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.form'"/></xsl:call-template></legend>
      <div class="field">
        <label for="r-from"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.from'"/></xsl:call-template></label>
        <input id="r-from" name="from" type="date" value="{$from}" required="required"/>
      </div>
      <div class="field">
        <label for="r-to"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.to'"/></xsl:call-template></label>
        <input id="r-to" name="to" type="date" value="{$to}" required="required"/>
      </div>
      <div class="field">
        <label for="r-group"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.group'"/></xsl:call-template></label>
        <select id="r-group" name="group">
          <xsl:call-template name="group-options"><xsl:with-param name="groups" select="'body service institution month channel '"/></xsl:call-template>
        </select>
      </div>
      <div class="field">
        <label for="r-body"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.body'"/></xsl:call-template></label>
        <select id="r-body" name="body">
          <xsl:choose>
            <xsl:when test="$all">
              <option value=""><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.body.all'"/></xsl:call-template></option>
              <xsl:for-each select="/desk/bodies/report/group">
                <option value="{@key}">
                  <xsl:if test="@key = $q/@body"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                  <xsl:call-template name="body-name"/>
                </option>
              </xsl:for-each>
              <!-- The body asked for, when the period has nothing of it. -->
              <xsl:if test="$q/@body != '' and not(/desk/bodies/report/group[@key = $q/@body])">
                <option value="{$q/@body}" selected="selected"><xsl:value-of select="$q/@body"/></option>
              </xsl:if>
            </xsl:when>
            <xsl:otherwise>
              <!-- Their body and the offices below it. -->
              <xsl:for-each select="/desk/report-bodies/body">
                <option value="{@code}">
                  <xsl:if test="@code = $q/@body"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                  <xsl:call-template name="body-name"/>
                </option>
              </xsl:for-each>
              <xsl:if test="not(/desk/report-bodies/body)">
                <option value="{$me/@body}"><xsl:value-of select="$me/@body"/></option>
              </xsl:if>
            </xsl:otherwise>
          </xsl:choose>
        </select>
      </div>
      <div class="field">
        <label for="r-service"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.service'"/></xsl:call-template></label>
        <select id="r-service" name="service">
          <option value=""><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.service.all'"/></xsl:call-template></option>
          <xsl:call-template name="service-options"><xsl:with-param name="selected" select="string($q/@service)"/></xsl:call-template>
        </select>
      </div>
      <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.show'"/></xsl:call-template></button>
    </fieldset>
  </form>
</xsl:template>

<!-- A language's link keeps the report asked for. -->
<xsl:template name="lang-link">
  <xsl:param name="code"/>
  <li><a href="?{$lang-args}lang={$code}" hreflang="{$code}" lang="{$code}">
    <xsl:if test="$code = $lang"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
    <xsl:call-template name="t">
      <xsl:with-param name="k" select="'lang.name'"/>
      <xsl:with-param name="in" select="$code"/>
    </xsl:call-template>
  </a></li>
</xsl:template>

<!-- The page's own arguments, each followed by &amp;. -->
<xsl:variable name="lang-args">
  <xsl:for-each select="$q/@*[name() != 'lang']">
    <xsl:value-of select="name()"/>=<xsl:value-of select="."/><xsl:text>&amp;</xsl:text>
  </xsl:for-each>
</xsl:variable>

<xsl:template name="group-options">
  <xsl:param name="groups"/>
  <xsl:if test="contains($groups, ' ')">
    <xsl:variable name="g" select="substring-before($groups, ' ')"/>
    <option value="{$g}">
      <xsl:if test="$rep/@group = $g or (not($rep) and $q/@group = $g)"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.reports.group.', $g)"/></xsl:call-template>
    </option>
    <xsl:call-template name="group-options"><xsl:with-param name="groups" select="substring-after($groups, ' ')"/></xsl:call-template>
  </xsl:if>
</xsl:template>

<!-- The name of the body or institution of a <group>, in the page's language. -->
<xsl:template name="body-name">
  <xsl:choose>
    <xsl:when test="$lang = 'kk'"><xsl:value-of select="@name-kk"/></xsl:when>
    <xsl:otherwise><xsl:value-of select="@name-ru"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- What a row of the grouping $g stands for. -->
<xsl:template name="group-name">
  <xsl:param name="g"/>
  <xsl:choose>
    <xsl:when test="self::total"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.total'"/></xsl:call-template></xsl:when>
    <xsl:when test="@key = ''"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.not-stated'"/></xsl:call-template></xsl:when>
    <xsl:when test="$g = 'service'"><xsl:value-of select="@key"/>. <xsl:call-template name="service-name"><xsl:with-param name="n" select="@key"/></xsl:call-template></xsl:when>
    <xsl:when test="$g = 'channel'"><xsl:call-template name="channel-name"><xsl:with-param name="c" select="@key"/></xsl:call-template></xsl:when>
    <xsl:when test="$g = 'month'">
      <xsl:call-template name="t"><xsl:with-param name="k" select="concat('month.', number(substring(@key, 6, 2)))"/></xsl:call-template>
      <xsl:text> </xsl:text><xsl:value-of select="substring(@key, 1, 4)"/>
    </xsl:when>
    <xsl:otherwise><xsl:call-template name="body-name"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- A figure's cell: its number, a link to the complaints behind it. -->
<xsl:template match="figure" mode="cell">
  <xsl:param name="group"/>
  <td class="num">
    <a href="/desk/reports/complaints{substring-after(@href, '/api/v1/reports/complaints')}&amp;group={$group}"><xsl:value-of select="."/></a>
  </td>
</xsl:template>

<!-- A table of $report: a row per group and the total, a column per
     figure named in $figures (all when empty). -->
<xsl:template name="report-table">
  <xsl:param name="report"/>
  <xsl:param name="figures" select="''"/>
  <xsl:param name="caption"/>
  <xsl:param name="id"/>
  <xsl:variable name="g" select="string($report/@group)"/>
  <div class="table-wrap" tabindex="0" role="region" aria-labelledby="{$id}-caption">
  <table class="report" id="{$id}">
    <caption id="{$id}-caption"><xsl:value-of select="$caption"/></caption>
    <thead><tr>
      <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.reports.group.', $g)"/></xsl:call-template></th>
      <xsl:for-each select="$report/total/figure[$figures = '' or contains($figures, concat(' ', @name, ' '))]">
        <th scope="col" class="num"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('report.figure.', @name)"/></xsl:call-template></th>
      </xsl:for-each>
    </tr></thead>
    <tbody>
      <xsl:for-each select="$report/group | $report/total">
        <tr>
          <xsl:if test="self::total"><xsl:attribute name="class">total</xsl:attribute></xsl:if>
          <th scope="row"><xsl:call-template name="group-name"><xsl:with-param name="g" select="$g"/></xsl:call-template></th>
          <xsl:apply-templates select="figure[$figures = '' or contains($figures, concat(' ', @name, ' '))]" mode="cell">
            <xsl:with-param name="group" select="$g"/>
          </xsl:apply-templates>
        </tr>
      </xsl:for-each>
    </tbody>
  </table>
  </div>
</xsl:template>

<xsl:template name="period-text">
  <xsl:call-template name="tf">
    <xsl:with-param name="k" select="'desk.reports.period'"/>
    <xsl:with-param name="n1" select="'from'"/><xsl:with-param name="v1"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($rep/@from)"/></xsl:call-template></xsl:with-param>
    <xsl:with-param name="n2" select="'to'"/><xsl:with-param name="v2"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($rep/@to)"/></xsl:call-template></xsl:with-param>
  </xsl:call-template>
  <xsl:if test="$rep/@body">
    <xsl:text> · </xsl:text><xsl:value-of select="$rep/@body"/>
  </xsl:if>
  <xsl:if test="$rep/@service">
    <xsl:text> · </xsl:text><xsl:value-of select="$rep/@service"/>. <xsl:call-template name="service-name"><xsl:with-param name="n" select="$rep/@service"/></xsl:call-template>
  </xsl:if>
</xsl:template>

<xsl:template name="summary">
  <xsl:variable name="period"><xsl:call-template name="period-text"/></xsl:variable>
  <section class="card" aria-labelledby="summary-h">
    <h2 id="summary-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.summary'"/></xsl:call-template></h2>
    <p class="period"><xsl:value-of select="$period"/></p>
    <ul class="downloads">
      <li><a class="button secondary" href="/desk/reports/download?format=csv&amp;group={$rep/@group}&amp;{$args}" download="report.csv"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.csv'"/></xsl:call-template></a></li>
      <li><a class="button secondary" href="/desk/reports/download?format=xlsx&amp;group={$rep/@group}&amp;{$args}" download="report.xlsx"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.xlsx'"/></xsl:call-template></a></li>
    </ul>
    <p class="hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.hint'"/></xsl:call-template></p>
    <xsl:call-template name="report-table">
      <xsl:with-param name="report" select="$rep"/>
      <xsl:with-param name="id" select="'summary'"/>
      <xsl:with-param name="caption">
        <xsl:call-template name="tf">
          <xsl:with-param name="k" select="'desk.reports.caption'"/>
          <xsl:with-param name="n1" select="'group'"/><xsl:with-param name="v1"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.reports.group.', $rep/@group)"/></xsl:call-template></xsl:with-param>
          <xsl:with-param name="n2" select="'period'"/><xsl:with-param name="v2" select="string($period)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </section>
</xsl:template>

<!-- A chart and the table of what it draws. -->
<xsl:template name="chart">
  <xsl:param name="name"/>
  <xsl:param name="group"/>
  <xsl:param name="figures"/>
  <xsl:param name="group2"/>
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.reports.chart.', $name)"/></xsl:call-template></xsl:variable>
  <figure class="chart card" aria-labelledby="chart-{$name}-h">
    <h3 id="chart-{$name}-h"><xsl:value-of select="$title"/></h3>
    <div class="chart-pair">
      <div class="chart-img">
        <img src="/desk/reports/chart/{$name}.svg?{$args}" alt="{$title}" aria-describedby="chart-{$name}-note"/>
      </div>
      <div class="chart-table">
        <p class="hint" id="chart-{$name}-note"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.chart.table'"/></xsl:call-template></p>
        <xsl:call-template name="report-table">
          <xsl:with-param name="report" select="/desk/chart-data[@group = $group]/report"/>
          <xsl:with-param name="figures" select="$figures"/>
          <xsl:with-param name="id" select="concat('chart-', $name, '-', $group)"/>
          <xsl:with-param name="caption">
            <xsl:value-of select="$title"/>
            <xsl:if test="$group2"> (<xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.reports.group.', $group)"/></xsl:call-template>)</xsl:if>
          </xsl:with-param>
        </xsl:call-template>
        <xsl:if test="$group2">
          <xsl:call-template name="report-table">
            <xsl:with-param name="report" select="/desk/chart-data[@group = $group2]/report"/>
            <xsl:with-param name="figures" select="$figures"/>
            <xsl:with-param name="id" select="concat('chart-', $name, '-', $group2)"/>
            <xsl:with-param name="caption">
              <xsl:value-of select="$title"/> (<xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.reports.group.', $group2)"/></xsl:call-template>)
            </xsl:with-param>
          </xsl:call-template>
        </xsl:if>
      </div>
    </div>
  </figure>
</xsl:template>

<xsl:template name="charts">
  <section aria-labelledby="charts-h">
    <h2 id="charts-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.reports.charts'"/></xsl:call-template></h2>
    <xsl:call-template name="chart">
      <xsl:with-param name="name" select="'monthly'"/>
      <xsl:with-param name="group" select="'month'"/>
      <xsl:with-param name="figures" select="' received decided upheld partly-upheld rejected explained '"/>
    </xsl:call-template>
    <xsl:call-template name="chart">
      <xsl:with-param name="name" select="'timeliness'"/>
      <xsl:with-param name="group" select="'body'"/>
      <xsl:with-param name="figures" select="' answered-on-time answered-late '"/>
    </xsl:call-template>
    <xsl:call-template name="chart">
      <xsl:with-param name="name" select="'overdue'"/>
      <xsl:with-param name="group" select="'body'"/>
      <xsl:with-param name="group2" select="'service'"/>
      <xsl:with-param name="figures" select="' overdue-now '"/>
    </xsl:call-template>
  </section>
</xsl:template>
</xsl:stylesheet>
