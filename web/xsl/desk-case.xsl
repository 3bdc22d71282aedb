<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/complaints/{id}: the <complaint-record> of
     GET /api/v1/complaints/{id}, with <actions> (those this user may take
     in this state) as forms posting to /desk/complaints/{id}/{action}. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:cx="urn:complaints:web" exclude-result-prefixes="cx">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="rec" select="/desk/complaint-record"/>
<xsl:variable name="open" select="contains(' registered in-review extended decided ', concat(' ', $rec/state, ' '))"/>

<xsl:template match="/">
  <xsl:variable name="title">
    <xsl:call-template name="tf">
      <xsl:with-param name="k" select="'desk.case.title'"/>
      <xsl:with-param name="n1" select="'number'"/><xsl:with-param name="v1" select="string($rec/number)"/>
    </xsl:call-template>
  </xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <p class="back"><a href="/desk/"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.back'"/></xsl:call-template></a></p>
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:call-template name="error"/>
      <xsl:if test="$rec">
        <div class="case">
          <div class="main-col">
            <xsl:apply-templates select="$rec"/>
          </div>
          <div class="side-col">
            <xsl:call-template name="actions"/>
          </div>
        </div>
      </xsl:if>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template name="row">
  <xsl:param name="k"/>
  <xsl:param name="v"/>
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="$k"/></xsl:call-template></dt>
  <dd><xsl:copy-of select="$v"/></dd></div>
</xsl:template>

<xsl:template match="complaint-record">
  <section class="card" aria-labelledby="record-h">
    <h2 id="record-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.record'"/></xsl:call-template></h2>
    <p class="state-line"><span class="badge state-{state}"><xsl:call-template name="state-name"><xsl:with-param name="s" select="state"/></xsl:call-template></span></p>
    <dl class="facts">
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.due'"/>
        <xsl:with-param name="v"><xsl:call-template name="due"><xsl:with-param name="due" select="due"/><xsl:with-param name="open" select="$open"/></xsl:call-template></xsl:with-param></xsl:call-template>
      <xsl:if test="law/clause">
        <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.talon.rules'"/>
          <xsl:with-param name="v"><xsl:value-of select="rules"/> · <xsl:value-of select="law/clause"/></xsl:with-param></xsl:call-template>
      </xsl:if>
      <xsl:if test="law/forward-by and $open">
        <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.forward-by'"/>
          <xsl:with-param name="v"><time datetime="{law/forward-by}"><xsl:call-template name="date"><xsl:with-param name="iso" select="string(law/forward-by)"/></xsl:call-template></time></xsl:with-param></xsl:call-template>
      </xsl:if>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.body'"/>
        <xsl:with-param name="v"><xsl:value-of select="body"/> (<xsl:value-of select="body/@code"/>)</xsl:with-param></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.journal'"/>
        <xsl:with-param name="v"><xsl:value-of select="journal-number"/>/<xsl:value-of select="journal-number/@year"/></xsl:with-param></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.register.service'"/>
        <xsl:with-param name="v"><xsl:value-of select="service"/>. <xsl:call-template name="service-name"><xsl:with-param name="n" select="service"/></xsl:call-template></xsl:with-param></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.subject'"/>
        <xsl:with-param name="v"><xsl:value-of select="subject/name"/><xsl:if test="subject/official">, <xsl:value-of select="subject/official"/></xsl:if></xsl:with-param></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.channel'"/>
        <xsl:with-param name="v"><xsl:call-template name="channel-name"><xsl:with-param name="c" select="channel"/></xsl:call-template></xsl:with-param></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.received'"/>
        <xsl:with-param name="v"><xsl:call-template name="datetime"><xsl:with-param name="at" select="received-at"/></xsl:call-template></xsl:with-param></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.accepted-by'"/>
        <xsl:with-param name="v"><xsl:value-of select="accepted-by/name"/>, <xsl:value-of select="accepted-by/position"/></xsl:with-param></xsl:call-template>
      <xsl:if test="assignee">
        <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.assignee'"/>
          <xsl:with-param name="v"><xsl:value-of select="assignee"/></xsl:with-param></xsl:call-template>
      </xsl:if>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.applicant'"/>
        <xsl:with-param name="v"><xsl:value-of select="applicant/surname"/><xsl:text> </xsl:text><xsl:value-of select="applicant/name"/><xsl:text> </xsl:text><xsl:value-of select="applicant/patronymic"/></xsl:with-param></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k" select="'desk.case.contact'"/>
        <xsl:with-param name="v">
          <xsl:for-each select="applicant/address | applicant/email | applicant/phone">
            <xsl:if test="position() &gt; 1">; </xsl:if><xsl:value-of select="."/>
          </xsl:for-each>
        </xsl:with-param></xsl:call-template>
    </dl>
    <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.reasons'"/></xsl:call-template></h3>
    <p class="text"><xsl:value-of select="reasons"/></p>
    <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.demands'"/></xsl:call-template></h3>
    <p class="text"><xsl:value-of select="demands"/></p>
    <xsl:if test="decision">
      <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.decision'"/></xsl:call-template></h3>
      <p><span class="badge outcome-{decision/outcome}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('outcome.', decision/outcome)"/></xsl:call-template></span>
        <xsl:text> </xsl:text><xsl:value-of select="decision/decided-by"/>, <xsl:call-template name="datetime"><xsl:with-param name="at" select="decision/decided-at"/></xsl:call-template></p>
      <p class="text"><xsl:value-of select="decision/reasoning"/></p>
    </xsl:if>
  </section>
  <xsl:if test="case/talon">
    <section class="card" aria-labelledby="talons-h">
      <h2 id="talons-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.talons'"/></xsl:call-template></h2>
      <ul class="talons">
        <xsl:for-each select="case/talon">
          <li><a href="/desk/complaints/{@id}"><xsl:value-of select="@number"/></a>
            <xsl:text> · </xsl:text><span class="code"><xsl:value-of select="@body"/></span>
            <xsl:text> · </xsl:text><xsl:call-template name="state-name"><xsl:with-param name="s" select="@state"/></xsl:call-template></li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:if>
  <section class="card" aria-labelledby="timeline-h">
    <h2 id="timeline-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.timeline'"/></xsl:call-template></h2>
    <ol class="timeline">
      <xsl:for-each select="events/event">
        <li>
          <p class="when"><time datetime="{at}"><xsl:call-template name="datetime"><xsl:with-param name="at" select="at"/></xsl:call-template></time> · <xsl:value-of select="actor"/></p>
          <p class="what"><strong><xsl:call-template name="action-name"><xsl:with-param name="a" select="action"/></xsl:call-template></strong>
            <xsl:if test="state-after and state-after != state-before">
              <xsl:text>: </xsl:text><xsl:call-template name="state-name"><xsl:with-param name="s" select="state-after"/></xsl:call-template>
            </xsl:if>
          </p>
          <xsl:if test="detail"><p class="detail"><xsl:value-of select="detail"/></p></xsl:if>
        </li>
      </xsl:for-each>
    </ol>
  </section>
</xsl:template>

<xsl:template name="action-name">
  <xsl:param name="a"/>
  <xsl:variable name="k" select="concat('action.', $a)"/>
  <xsl:choose>
    <xsl:when test="cx:has(string($k))"><xsl:value-of select="cx:text(string($k), $lang)"/></xsl:when>
    <!-- The watch's own events (overdue, remind) carry no form. -->
    <xsl:otherwise><xsl:value-of select="$a"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="actions">
  <section class="card" aria-labelledby="actions-h">
    <h2 id="actions-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.actions'"/></xsl:call-template></h2>
    <xsl:if test="not(/desk/actions/action)">
      <p><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.no-actions'"/></xsl:call-template></p>
    </xsl:if>
    <xsl:for-each select="/desk/actions/action">
      <xsl:variable name="a" select="@name"/>
      <xsl:variable name="failed" select="$err and $typed/@action = $a"/>
      <details class="action">
        <xsl:if test="$failed or position() = 1"><xsl:attribute name="open">open</xsl:attribute></xsl:if>
        <summary><xsl:call-template name="t"><xsl:with-param name="k" select="concat('action.', $a)"/></xsl:call-template></summary>
        <form method="post" action="/desk/complaints/{$rec/id}/{$a}">
          <xsl:call-template name="csrf"/>
          <xsl:choose>
            <xsl:when test="$a = 'assign'">
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'assignee'"/><xsl:with-param name="req" select="true()"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'note'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="$a = 'forward'">
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'to'"/><xsl:with-param name="req" select="true()"/>
                <xsl:with-param name="value" select="string(/desk/@proposed)"/>
                <xsl:with-param name="hint" select="'field.forward.hint'"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'reason'"/><xsl:with-param name="req" select="true()"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="$a = 'extend'">
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'reason'"/><xsl:with-param name="req" select="true()"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'until'"/><xsl:with-param name="type" select="'date'"/>
                <xsl:with-param name="value" select="string(/desk/@extend-until)"/>
                <xsl:with-param name="hint" select="'field.until.hint'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="$a = 'decide'">
              <xsl:call-template name="choice"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'outcome'"/><xsl:with-param name="prefix" select="'outcome.'"/><xsl:with-param name="values" select="'upheld partly-upheld rejected explained '"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'reasoning'"/><xsl:with-param name="req" select="true()"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="$a = 'answer'">
              <xsl:call-template name="choice"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'channel'"/><xsl:with-param name="prefix" select="'channel.'"/><xsl:with-param name="values" select="'post email in-person '"/><xsl:with-param name="suffix" select="'.form'"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'note'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="$a = 'appeal'">
              <xsl:call-template name="choice"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'channel'"/><xsl:with-param name="prefix" select="'channel.'"/><xsl:with-param name="values" select="'post in-person electronic phone oral '"/><xsl:with-param name="suffix" select="'.form'"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'reasons'"/><xsl:with-param name="req" select="true()"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'demands'"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="$a = 'leave-without-consideration'">
              <xsl:call-template name="choice"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'ground'"/><xsl:with-param name="prefix" select="'ground.'"/><xsl:with-param name="values" select="'anonymous repeated '"/></xsl:call-template>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'reason'"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="$a = 'note'">
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'text'"/><xsl:with-param name="req" select="true()"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="f"><xsl:with-param name="a" select="$a"/><xsl:with-param name="n" select="'reason'"/><xsl:with-param name="type" select="'textarea'"/></xsl:call-template>
            </xsl:otherwise>
          </xsl:choose>
          <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('action.', $a)"/></xsl:call-template></button>
        </form>
      </details>
    </xsl:for-each>
  </section>
</xsl:template>

<!-- A field of an action's form: its id is ACTION-FIELD; typed text
     and the error come back only to the form that was sent. -->
<xsl:template name="f">
  <xsl:param name="a"/>
  <xsl:param name="n"/>
  <xsl:param name="req" select="false()"/>
  <xsl:param name="type" select="'text'"/>
  <xsl:param name="hint"/>
  <xsl:param name="value"/>
  <xsl:variable name="mine" select="$typed/@action = $a"/>
  <xsl:call-template name="field">
    <xsl:with-param name="name" select="$n"/>
    <xsl:with-param name="id" select="concat($a, '-', $n)"/>
    <xsl:with-param name="label" select="concat('field.', $n)"/>
    <xsl:with-param name="type" select="$type"/>
    <xsl:with-param name="required" select="$req"/>
    <xsl:with-param name="hint" select="$hint"/>
    <xsl:with-param name="value">
      <xsl:choose>
        <xsl:when test="$mine"><xsl:value-of select="$typed/field[@name = $n]"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
      </xsl:choose>
    </xsl:with-param>
    <xsl:with-param name="bad" select="$mine and $err/@field = $n"/>
  </xsl:call-template>
</xsl:template>

<!-- A choice of values as a select, with the typed one selected. -->
<xsl:template name="choice">
  <xsl:param name="a"/>
  <xsl:param name="n"/>
  <xsl:param name="prefix"/>
  <xsl:param name="suffix"/>
  <xsl:param name="values"/>
  <div class="field">
    <label for="{$a}-{$n}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('field.', $n)"/></xsl:call-template></label>
    <select id="{$a}-{$n}" name="{$n}" required="">
      <xsl:call-template name="options">
        <xsl:with-param name="values" select="$values"/>
        <xsl:with-param name="prefix" select="$prefix"/>
        <xsl:with-param name="suffix" select="$suffix"/>
        <xsl:with-param name="selected" select="string($typed[@action = $a]/field[@name = $n])"/>
      </xsl:call-template>
    </select>
  </div>
</xsl:template>

<xsl:template name="options">
  <xsl:param name="values"/>
  <xsl:param name="prefix"/>
  <xsl:param name="suffix"/>
  <xsl:param name="selected"/>
  <xsl:if test="contains($values, ' ')">
    <xsl:variable name="v" select="substring-before($values, ' ')"/>
    <xsl:variable name="k1" select="concat($prefix, $v, $suffix)"/>
    <option value="{$v}">
      <xsl:if test="$v = $selected"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:choose>
        <xsl:when test="cx:has(string($k1))"><xsl:value-of select="cx:text(string($k1), $lang)"/></xsl:when>
        <xsl:otherwise><xsl:call-template name="t"><xsl:with-param name="k" select="concat($prefix, $v)"/></xsl:call-template></xsl:otherwise>
      </xsl:choose>
    </option>
    <xsl:call-template name="options">
      <xsl:with-param name="values" select="substring-after($values, ' ')"/>
      <xsl:with-param name="prefix" select="$prefix"/>
      <xsl:with-param name="suffix" select="$suffix"/>
      <xsl:with-param name="selected" select="$selected"/>
    </xsl:call-template>
  </xsl:if>
</xsl:template>
</xsl:stylesheet>
