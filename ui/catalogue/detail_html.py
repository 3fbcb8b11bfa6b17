"""What the catalogue browser's reading pane shows, as HTML: a unit with its learning
outcomes, ACs, guidance and assessment rules, or a qualification's rules and gaps.

Every text is escaped and its line breaks kept, so sub-items (a., b., …) and bullet lists
read as the source prints them. Where each text came from (source file, line numbers,
corrections made to the source) is for reviewers, not assessors: shown only with
`source=True` (the browser's "Source" box)."""
from __future__ import annotations

import re
from html import escape

from app.catalogue.browse import METHOD_NAMES, QualificationDetail, RuleInWords, UnitDetail

KIND_WORDS = {"barred": "Not permitted", "required": "Required", "allowed": "Allowed",
              "sufficiency": "Sufficiency"}
KIND_MARKS = {"barred": "✖", "required": "✔", "allowed": "○", "sufficiency": "◆"}


def _text(s: str | None) -> str:
    return escape(s or "").replace("\n", "<br>")


_LINE_NOTES = re.compile(r"\s*\((?:source )?lines? [0-9][0-9–\-, ]*\.?\)\.?", re.IGNORECASE)


def _without_line_notes(text: str) -> str:
    """'…complete." (line 577)' -> '…complete."': line numbers are for reviewers."""
    return _LINE_NOTES.sub("", text).strip()


def _dl(pairs) -> str:
    return " · ".join(f"{escape(k)} <b>{escape(str(v))}</b>" for k, v in pairs if v not in (None, ""))


def _grouped_rules(rules: list[RuleInWords]):
    """One line per rule sentence: a source sentence that bars simulation for LOs 1-3 is
    one rule to the reader, not three."""
    groups: dict[tuple, list] = {}
    for r in rules:
        groups.setdefault((r.kind, r.method, r.source_line, r.source_text), []).append(r.lo_number)
    return [(kind, method, los, line, said) for (kind, method, line, said), los in groups.items()]


def unit_name(number: str) -> str:
    """'201' -> 'Unit 201'; SFJ prints its numbers as 'Unit 42' already."""
    return number if number.lower().startswith("unit") else f"Unit {number}"


def unit_html(d: UnitDetail, found_ac: str | None = None, source: bool = False) -> str:
    u = d.summary
    out = [f"<h2>{escape(unit_name(u.number))}: {escape(u.title)}</h2>",
           "<p>" + _dl([("National reference", u.reference or "none printed"),
                        ("Level", u.level), ("Credit", u.credit), ("GLH", u.glh),
                        ("Type", u.unit_type), ("Group", u.group)]) + "</p>"]
    if u.also_in:
        out.append(f"<p><b>Same national unit, also in:</b> {escape(', '.join(u.also_in))}</p>")
    if d.rules:
        out.append("<h3>Assessment rules</h3><ul>")
        for kind, method, los, line, said in _grouped_rules(d.rules):
            name = (METHOD_NAMES.get(method, method) or "").capitalize()
            where = ("the whole unit" if los == [None] else
                     "learning outcome" + ("s " if len(los) > 1 else " ")
                     + ", ".join(str(lo) for lo in los if lo))
            words = {"barred": f"{name} is not permitted for {where}.",
                     "allowed": f"{name} may be used for {where}."}.get(
                kind, f"{name} is required for {where}.")
            if kind in ("required", "sufficiency"):
                words = " ".join(r.words for r in d.rules
                                 if r.kind == kind and r.method == method and r.source_text == said)
            src = f" (line {line})" if line else ""
            out.append(f"<li>{KIND_MARKS.get(kind, '')} <b>{KIND_WORDS.get(kind, kind)}:</b> "
                       f"{escape(words)}" + (f"<br><span style='color:#5b6574'>Source{src}: "
                                             f"<i>“{_text(said)}”</i></span>" if source else "")
                       + "</li>")
        out.append("</ul>")
    for lo in d.outcomes:
        kind = f" <span style='color:#5b6574'>({escape(lo.lo_type)})</span>" if lo.lo_type else ""
        out.append(f"<h3>Learning outcome {escape(lo.number)}: {_text(lo.title)}{kind}</h3>")
        out.append("<table cellspacing='0' cellpadding='4' width='100%'>")
        for c in lo.criteria:
            found = c.id == found_ac  # the AC a search led here: marked in words, not only colour
            bg = " bgcolor='#fff3c4'" if found else ""
            out.append(f"<tr{bg}><td valign='top' width='48'><a name='ac-{escape(c.id)}'></a>"
                       f"<b>{escape(c.number)}</b></td><td valign='top'>{_text(c.text)}"
                       + (" <b>◀ found</b>" if found else ""))
            if c.guidance:
                out.append(f"<div style='color:#3d4a5c; margin-left:12px'><i>Guidance:</i> "
                           f"{_text(c.guidance)}</div>")
            out.append("</td></tr>")
        out.append("</table>")
        if lo.guidance:
            out.append(f"<p style='color:#3d4a5c'><i>Guidance for LO {escape(lo.number)}:</i> "
                       f"{_text(lo.guidance)}</p>")
    if d.aim:
        out.append(f"<h3>Aim</h3><p>{_text(d.aim)}</p>")
    if d.assessment_requirements:
        out.append(f"<h3>Assessment requirements</h3><p>{_text(d.assessment_requirements)}</p>")
    if not source:
        return "".join(out)
    if d.missing:
        out.append("<h3>Not in the source</h3><ul>"
                   + "".join(f"<li>{_text(m)}</li>" for m in d.missing) + "</ul>")
    if d.corrections:
        out.append("<h3>Corrections made to the source text</h3><ul>")
        for c in d.corrections:
            out.append(f"<li><b>{escape(str(c.get('field')))}</b> (line {c.get('source_line')}): "
                       f"printed “{_text(str(c.get('was')))}”, now “{_text(str(c.get('now')))}”. "
                       f"<i>{_text(c.get('reason'))}</i></li>")
        out.append("</ul>")
    return "".join(out)


def qualification_html(d: QualificationDetail, source: bool = False) -> str:
    s = d.summary
    kind = "Unit bank" if s.kind == "unit_bank" else "Qualification"
    out = [f"<h2>{escape(s.title)}</h2>",
           "<p>" + _dl([("Type", kind), ("Awarding body", s.awarding_body),
                        ("AB number", s.ab_number), ("Regulator number", s.regulator_number),
                        ("Level", s.level), ("Credits", s.credits), ("GLH", s.glh),
                        ("TQT", s.tqt), ("Version", s.version_label),
                        ("Units", s.unit_count)]) + "</p>",
           "<h3>Rules of combination</h3><ul>"]
    lines = d.rules_in_words if source else [
        plain for plain in (_without_line_notes(line) for line in d.rules_in_words) if plain]
    out += [f"<li>{_text(line)}</li>" for line in lines]
    out.append("</ul>")
    if not source:
        return "".join(out)
    out.append(f"<h3>Source</h3><p style='color:#5b6574'>Pack {escape(s.pack_id)} · source "
               f"{escape(d.source_file or '')}</p>")
    if d.missing:
        out.append("<h3>What the source does not give</h3><ul>"
                   + "".join(f"<li>{_text(m)}</li>" for m in d.missing) + "</ul>")
    if d.listed_not_specified:
        out.append("<h3>Units listed but not specified in the source</h3><ul>"
                   + "".join(f"<li>{escape(str(i.get('number')))}: {escape(str(i.get('title')))}"
                             f" (line {i.get('source_line')})</li>" for i in d.listed_not_specified)
                   + "</ul>")
    out.append(f"<h3>Corrections made to the source text ({len(d.corrections)})</h3>")
    if d.corrections:
        out.append("<ul>" + "".join(
            f"<li><b>{escape(str(c.get('field')))}</b> (line {c.get('source_line')}): "
            f"<i>{_text(c.get('reason'))}</i></li>" for c in d.corrections) + "</ul>")
    else:
        out.append("<p>None: the texts are as printed.</p>")
    return "".join(out)
