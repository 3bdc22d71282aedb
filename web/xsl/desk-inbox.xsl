<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/: the inbox of the user's body, the <complaints> of
     GET /api/v1/complaints with the same filters; open ones first by due
     date, overdue and due within remind_days marked. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="q" select="/desk/query"/>
<!-- The states the column open holds (complaints_state_open). -->
<xsl:variable name="open" select="' registered in-review extended '"/>

<xsl:template match="/">
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.title'"/></xsl:call-template></xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1>
        <xsl:call-template name="tf">
          <xsl:with-param name="k" select="'desk.inbox.heading'"/>
          <xsl:with-param name="n1" select="'body'"/><xsl:with-param name="v1" select="string($me/@body)"/>
        </xsl:call-template>
      </h1>
      <xsl:call-template name="error"/>
      <xsl:apply-templates select="/desk/workload"/>
      <form method="get" action="/desk/" class="filters">
        <fieldset>
          <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.filters'"/></xsl:call-template></legend>
          <div class="field">
            <label for="f-state"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.state'"/></xsl:call-template></label>
            <select id="f-state" name="state">
              <option value=""><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.any'"/></xsl:call-template></option>
              <xsl:call-template name="state-options">
                <xsl:with-param name="states" select="'registered in-review extended decided answered closed forwarded left-without-consideration '"/>
              </xsl:call-template>
            </select>
          </div>
          <div class="field">
            <label for="f-service"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.service'"/></xsl:call-template></label>
            <select id="f-service" name="service">
              <option value=""><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.any'"/></xsl:call-template></option>
              <xsl:call-template name="service-options"><xsl:with-param name="selected" select="string($q/@service)"/></xsl:call-template>
            </select>
          </div>
          <div class="field">
            <label for="f-institution"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.institution'"/></xsl:call-template></label>
            <input id="f-institution" name="institution" type="text" value="{$q/@institution}" autocomplete="off"/>
          </div>
          <div class="field">
            <label for="f-q"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.search'"/></xsl:call-template></label>
            <input id="f-q" name="q" type="search" value="{$q/@q}"/>
          </div>
          <div class="field">
            <label for="f-from"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.from'"/></xsl:call-template></label>
            <input id="f-from" name="from" type="date" value="{$q/@from}"/>
          </div>
          <div class="field">
            <label for="f-to"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.to'"/></xsl:call-template></label>
            <input id="f-to" name="to" type="date" value="{$q/@to}"/>
          </div>
          <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.apply'"/></xsl:call-template></button>
        </fieldset>
      </form>
      <xsl:apply-templates select="/desk/complaints"/>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template name="state-options">
  <xsl:param name="states"/>
  <xsl:if test="contains($states, ' ')">
    <xsl:variable name="s" select="substring-before($states, ' ')"/>
    <option value="{$s}">
      <xsl:if test="$q/@state = $s"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:call-template name="state-name"><xsl:with-param name="s" select="$s"/></xsl:call-template>
    </option>
    <xsl:call-template name="state-options">
      <xsl:with-param name="states" select="substring-after($states, ' ')"/>
    </xsl:call-template>
  </xsl:if>
</xsl:template>

<xsl:template name="service-options">
  <xsl:param name="selected"/>
  <xsl:param name="n" select="1"/>
  <xsl:if test="$n &lt;= 11">
    <option value="{$n}">
      <xsl:if test="$selected = string($n)"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:value-of select="$n"/>. <xsl:call-template name="service-name"><xsl:with-param name="n" select="$n"/></xsl:call-template>
    </option>
    <xsl:call-template name="service-options">
      <xsl:with-param name="selected" select="$selected"/>
      <xsl:with-param name="n" select="$n + 1"/>
    </xsl:call-template>
  </xsl:if>
</xsl:template>

<!-- The head's view: open complaints per official, the most overdue
     first (GET /api/v1/workload); a name links to its list. -->
<xsl:template match="workload">
  <section class="card workload" aria-labelledby="workload-h">
    <h2 id="workload-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.workload.title'"/></xsl:call-template></h2>
    <div class="table-wrap">
    <table class="workload">
      <thead><tr>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.workload.official'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.workload.open'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.workload.overdue'"/></xsl:call-template></th>
      </tr></thead>
      <tbody>
        <xsl:for-each select="official | unassigned">
          <tr>
            <xsl:if test="@overdue &gt; 0"><xsl:attribute name="class">row-overdue</xsl:attribute></xsl:if>
            <th scope="row">
              <xsl:choose>
                <xsl:when test="self::unassigned"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.workload.unassigned'"/></xsl:call-template></xsl:when>
                <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
              </xsl:choose>
            </th>
            <td><xsl:value-of select="@open"/></td>
            <td><xsl:value-of select="@overdue"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    </div>
  </section>
</xsl:template>

<xsl:template match="complaints">
  <xsl:choose>
    <xsl:when test="not(item)">
      <p class="empty"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.none'"/></xsl:call-template></p>
    </xsl:when>
    <xsl:otherwise>
      <p class="count">
        <xsl:call-template name="tf">
          <xsl:with-param name="k" select="concat('desk.inbox.count', substring('-search', 1, 7 * boolean(string($q/@q))))"/>
          <xsl:with-param name="n1" select="'n'"/><xsl:with-param name="v1" select="count(item)"/>
        </xsl:call-template>
      </p>
      <div class="table-wrap">
      <table class="inbox">
        <thead><tr>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.talon'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.applicant'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.state'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.due'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.service'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.accepted'"/></xsl:call-template></th>
          <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.col.assignee'"/></xsl:call-template></th>
        </tr></thead>
        <tbody>
          <xsl:for-each select="item">
            <xsl:variable name="is-open" select="contains($open, concat(' ', state, ' '))"/>
            <tr>
              <xsl:attribute name="class">
                <xsl:choose>
                  <xsl:when test="$is-open and due/@days-left &lt; 0">row-overdue</xsl:when>
                  <xsl:when test="$is-open and due/@days-left &lt;= /desk/@remind-days">row-soon</xsl:when>
                  <xsl:when test="not($is-open)">row-done</xsl:when>
                </xsl:choose>
              </xsl:attribute>
              <th scope="row"><a href="/desk/complaints/{@id}"><xsl:value-of select="number"/></a>
                <span class="sub"><xsl:value-of select="journal-number"/></span></th>
              <td><xsl:value-of select="applicant"/><xsl:if test="institution"><span class="sub"><xsl:value-of select="institution"/></span></xsl:if></td>
              <td><xsl:call-template name="state-name"><xsl:with-param name="s" select="state"/></xsl:call-template></td>
              <td><xsl:call-template name="due"><xsl:with-param name="due" select="due"/><xsl:with-param name="open" select="$is-open"/></xsl:call-template></td>
              <td><xsl:value-of select="service"/>. <xsl:call-template name="service-name"><xsl:with-param name="n" select="service"/></xsl:call-template></td>
              <td><xsl:call-template name="datetime"><xsl:with-param name="at" select="accepted-at"/></xsl:call-template></td>
              <td><xsl:value-of select="assignee"/></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      </div>
      <nav class="pages">
        <xsl:if test="$q/@after">
          <a href="/desk/?{$q/@link}"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.first'"/></xsl:call-template></a>
        </xsl:if>
        <xsl:if test="next-after">
          <a rel="next" href="/desk/?{$q/@link}&amp;after={next-after}"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.inbox.next'"/></xsl:call-template></a>
        </xsl:if>
      </nav>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>
</xsl:stylesheet>
