<?xml version="1.0" encoding="UTF-8"?>
<!-- GET/POST /desk/register: the form of a <complaint> (POST
     /api/v1/complaints).  The institution is found by typing part of its
     name or number and pressing Find: the same form posted with find=1
     comes back with the <directory-result> of GET /api/v1/directory?q=
     and everything typed, no script needed.  Files attached are read
     once (multipart/form-data): their name, type and SHA-256 go on in
     hidden fields, as the API's <attachments> takes them. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:template match="/">
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.title'"/></xsl:call-template></xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:call-template name="error"/>
      <form method="post" action="/desk/register" class="register" enctype="multipart/form-data">
        <xsl:call-template name="csrf"/>
        <fieldset>
          <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.complaint'"/></xsl:call-template></legend>
          <div class="field">
            <label for="service"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.service'"/></xsl:call-template></label>
            <select id="service" name="service" required="">
              <option value=""><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.choose'"/></xsl:call-template></option>
              <xsl:call-template name="service-options"><xsl:with-param name="selected" select="string($typed/field[@name = 'service'])"/></xsl:call-template>
            </select>
          </div>
          <div class="field search">
            <label for="q"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.institution'"/></xsl:call-template></label>
            <p class="hint" id="q-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.search'"/></xsl:call-template></p>
            <div class="row">
              <input id="q" name="q" type="search" aria-describedby="q-hint" autocomplete="off">
                <xsl:attribute name="value"><xsl:value-of select="$typed/field[@name = 'q']"/></xsl:attribute>
              </input>
              <button type="submit" name="find" value="1" formnovalidate="" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.find'"/></xsl:call-template></button>
            </div>
          </div>
          <xsl:apply-templates select="/desk/directory-result"/>
          <xsl:if test="not(/desk/directory-result) and $typed/field[@name = 'institution']">
            <input type="hidden" name="institution" value="{$typed/field[@name = 'institution']}"/>
          </xsl:if>
          <div class="field">
            <label for="ground"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.ground'"/></xsl:call-template></label>
            <select id="ground" name="ground">
              <xsl:call-template name="ground-option"><xsl:with-param name="g" select="'decision'"/></xsl:call-template>
              <xsl:call-template name="ground-option"><xsl:with-param name="g" select="'quality'"/></xsl:call-template>
            </select>
          </div>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'subject'"/><xsl:with-param name="label" select="'desk.register.subject'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'official'"/><xsl:with-param name="label" select="'desk.register.official'"/></xsl:call-template>
          <div class="field">
            <label for="channel"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.channel'"/></xsl:call-template></label>
            <select id="channel" name="channel" required="">
              <xsl:call-template name="channel-option"><xsl:with-param name="c" select="'in-person'"/></xsl:call-template>
              <xsl:call-template name="channel-option"><xsl:with-param name="c" select="'post'"/></xsl:call-template>
              <xsl:call-template name="channel-option"><xsl:with-param name="c" select="'electronic'"/></xsl:call-template>
              <xsl:call-template name="channel-option"><xsl:with-param name="c" select="'phone'"/></xsl:call-template>
              <xsl:call-template name="channel-option"><xsl:with-param name="c" select="'oral'"/></xsl:call-template>
            </select>
          </div>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'received-at'"/><xsl:with-param name="label" select="'desk.register.received-at'"/><xsl:with-param name="type" select="'datetime-local'"/><xsl:with-param name="value" select="string(/desk/@now)"/></xsl:call-template>
          <div class="field check">
            <input id="signed" name="signed" type="checkbox" value="1">
              <xsl:if test="not($typed) or $typed/field[@name = 'signed']"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input>
            <label for="signed"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.signed'"/></xsl:call-template></label>
          </div>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'reasons'"/><xsl:with-param name="label" select="'desk.register.reasons'"/><xsl:with-param name="type" select="'textarea'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'demands'"/><xsl:with-param name="label" select="'desk.register.demands'"/><xsl:with-param name="type" select="'textarea'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
        </fieldset>
        <fieldset>
          <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.attachments'"/></xsl:call-template></legend>
          <xsl:call-template name="attached"/>
          <div class="field">
            <label for="attachment"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.attach'"/></xsl:call-template></label>
            <p class="hint" id="attachment-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.attach-hint'"/></xsl:call-template></p>
            <xsl:if test="$err/@code = 'too-many-attachments'">
              <p class="field-error" id="attachment-error"><xsl:call-template name="error-text"/></p>
            </xsl:if>
            <input id="attachment" name="attachment" type="file" multiple="" aria-describedby="attachment-hint"/>
          </div>
        </fieldset>
        <fieldset>
          <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.intake'"/></xsl:call-template></legend>
          <xsl:call-template name="intake-check"><xsl:with-param name="w" select="'identity-document'"/></xsl:call-template>
          <xsl:call-template name="intake-check"><xsl:with-param name="w" select="'legal-representative'"/></xsl:call-template>
          <xsl:call-template name="intake-check"><xsl:with-param name="w" select="'service-documents'"/></xsl:call-template>
          <xsl:call-template name="intake-check"><xsl:with-param name="w" select="'handwritten'"/></xsl:call-template>
          <xsl:call-template name="intake-check"><xsl:with-param name="w" select="'date'"/></xsl:call-template>
        </fieldset>
        <fieldset>
          <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.applicant'"/></xsl:call-template></legend>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'surname'"/><xsl:with-param name="label" select="'desk.register.surname'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'name'"/><xsl:with-param name="label" select="'desk.register.name'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'patronymic'"/><xsl:with-param name="label" select="'desk.register.patronymic'"/></xsl:call-template>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'address'"/><xsl:with-param name="label" select="'desk.register.address'"/></xsl:call-template>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'email'"/><xsl:with-param name="label" select="'desk.register.email'"/><xsl:with-param name="type" select="'email'"/></xsl:call-template>
          <xsl:call-template name="field"><xsl:with-param name="name" select="'phone'"/><xsl:with-param name="label" select="'desk.register.phone'"/><xsl:with-param name="type" select="'tel'"/></xsl:call-template>
        </fieldset>
        <button type="submit" class="primary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.submit'"/></xsl:call-template></button>
      </form>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template name="ground-option">
  <xsl:param name="g"/>
  <option value="{$g}">
    <xsl:if test="$typed/field[@name = 'ground'] = $g"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
    <xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.register.ground.', $g)"/></xsl:call-template>
  </option>
</xsl:template>

<!-- What the registrar checked of the service's intake requirements
     (routing.xml): a mark each; what the service asks and is not marked
     comes back on the talon page as a warning. -->
<xsl:template name="intake-check">
  <xsl:param name="w"/>
  <div class="field check">
    <input id="intake-{$w}" name="intake-{$w}" type="checkbox" value="1">
      <xsl:if test="$typed/field[@name = concat('intake-', $w)]"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
    </input>
    <label for="intake-{$w}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.register.intake.', $w)"/></xsl:call-template></label>
  </div>
</xsl:template>

<xsl:template name="channel-option">
  <xsl:param name="c"/>
  <option value="{$c}">
    <xsl:if test="$typed/field[@name = 'channel'] = $c"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
    <xsl:call-template name="channel-name"><xsl:with-param name="c" select="$c"/></xsl:call-template>
  </option>
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

<xsl:template match="directory-result">
  <fieldset class="found">
    <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.found'"/></xsl:call-template></legend>
    <xsl:if test="not(entry)">
      <p><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.register.none-found'"/></xsl:call-template></p>
    </xsl:if>
    <xsl:for-each select="entry">
      <div class="field check">
        <input type="radio" name="institution" id="inst-{@code}" value="{@code}">
          <xsl:if test="$typed/field[@name = 'institution'] = @code or (position() = 1 and not($typed/field[@name = 'institution']))"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
        </input>
        <label for="inst-{@code}">
          <xsl:choose>
            <xsl:when test="$lang != 'kk' and name-ru"><xsl:value-of select="name-ru"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="name"/></xsl:otherwise>
          </xsl:choose>
          <span class="sub"><xsl:value-of select="@code"/><xsl:if test="address"> · <xsl:value-of select="address"/></xsl:if></span>
        </label>
      </div>
    </xsl:for-each>
  </fieldset>
</xsl:template>
</xsl:stylesheet>
