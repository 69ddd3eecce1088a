"""A mentoring record as a PDF, drawn with ReportLab's page layout (platypus): no system libraries.

Everything a member wrote is escaped before it reaches ReportLab's paragraph markup, which would
otherwise read `<` and `&` in a note as tags.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mentormatch.core.calendar import london_time
from mentormatch.mentoring.record import MentoringRecord, RecordEntry, format_hours

INK, MUTED = colors.HexColor("#1d252c"), colors.HexColor("#5b6770")


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontSize=10, leading=14, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], fontSize=18, textColor=INK, alignment=0),
        "h2": ParagraphStyle("h2", parent=sheet["Heading2"], fontSize=13, textColor=INK, spaceBefore=10),
        "h3": ParagraphStyle("h3", parent=sheet["Heading3"], fontSize=11, textColor=INK, spaceBefore=6),
        "body": body,
        "prompt": ParagraphStyle("prompt", parent=body, textColor=MUTED, fontName="Helvetica-Oblique"),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
    }


def _text(value: str) -> str:
    """Member-written text as paragraph markup: escaped, its line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _table(rows: list[list[str]], widths: list[float], style: ParagraphStyle) -> Table:
    cells = [[Paragraph(_text(str(cell)), style) for cell in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, MUTED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _entry(entry: RecordEntry, styles: dict[str, ParagraphStyle]) -> list:
    """One connection: its meetings, goals and the reflective note."""
    note = entry.reflection
    role = "Mentee" if entry.other_role == "mentee" else "Mentor"
    ended = f" to {entry.ended:%-d %b %Y}" if entry.ended else " (continuing)"
    parts: list = [
        Paragraph(_text(f"{role}: {entry.other.display_name}"), styles["h3"]),
        Paragraph(
            _text(
                f"{entry.other.stage_label or 'Stage not given'} · connected {entry.started:%-d %b %Y}{ended}"
            ),
            styles["small"],
        ),
    ]
    if entry.goals:
        parts.append(Paragraph("Goals", styles["body"]))
        parts.append(
            _table(
                [["Goal", "Status"]] + [[goal.title, goal.status_label] for goal in entry.goals],
                [120 * mm, 40 * mm],
                styles["body"],
            )
        )
    parts.append(Paragraph("<b>What I did.</b> " + _text(note.did), styles["body"]))
    if note.learnt:
        parts.append(Paragraph("<b>What I learnt</b> (from my notes). " + _text(note.learnt), styles["body"]))
    else:
        parts.append(Paragraph("<b>What I learnt.</b> " + _text(note.learnt_prompt), styles["prompt"]))
    if note.differently:
        parts.append(
            Paragraph("<b>What I will do differently.</b> " + _text(note.differently), styles["body"])
        )
    else:
        parts.append(
            Paragraph(
                "<b>What I will do differently.</b> " + _text(note.differently_prompt), styles["prompt"]
            )
        )
    return [KeepTogether(parts[:2]), *parts[2:], Spacer(1, 4 * mm)]


def record_pdf(record: MentoringRecord) -> bytes:
    """The record as an A4 PDF document."""
    styles = _styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Mentoring record: {record.member.display_name}",
        author=record.member.display_name,
        subject=f"Mentoring, {record.period.label}",
        creator="MentorMatch",
    )
    story: list = [
        Paragraph(_text(f"Mentoring record: {record.member.display_name}"), styles["title"]),
        Paragraph(_text(f"Period: {record.period.label}"), styles["body"]),
        Paragraph(
            _text(
                "Supporting information for appraisal and revalidation: mentoring given and received, "
                f"as recorded on MentorMatch on {london_time(record.generated_at):%-d %B %Y}."
            ),
            styles["small"],
        ),
    ]
    for title, entries, people in (
        ("Mentoring I gave", record.as_mentor, "People mentored"),
        ("Mentoring I received", record.as_mentee, "Mentors"),
    ):
        story.append(Paragraph(title, styles["h2"]))
        if not entries:
            story.append(Paragraph("None in this period.", styles["body"]))
            continue
        meetings, minutes = record.meetings_count(entries), record.minutes(entries)
        story.append(
            Paragraph(
                _text(f"{people}: {len(entries)}. Meetings: {meetings}, {format_hours(minutes)} in all."),
                styles["body"],
            )
        )
        rows = [["Name", "Stage", "From", "To", "Meetings", "Hours"]]
        for entry in entries:
            rows.append(
                [
                    entry.other.display_name,
                    entry.other.stage_label or "—",
                    f"{entry.started:%-d %b %Y}",
                    f"{entry.ended:%-d %b %Y}" if entry.ended else "continuing",
                    str(len(entry.meetings)),
                    f"{entry.hours:g}",
                ]
            )
        widths = [42 * mm, 42 * mm, 24 * mm, 24 * mm, 18 * mm, 14 * mm]
        story.append(_table(rows, widths, styles["body"]))
        story.append(Spacer(1, 4 * mm))
        for entry in entries:
            story.extend(_entry(entry, styles))
    for section in record.sections:
        story.append(Paragraph(_text(section.title), styles["h2"]))
        story.extend(Paragraph(_text(paragraph), styles["body"]) for paragraph in section.paragraphs)
        if section.rows:
            story.append(_table([["", ""], *map(list, section.rows)], [100 * mm, 60 * mm], styles["body"]))
    document.build(story)
    return out.getvalue()
