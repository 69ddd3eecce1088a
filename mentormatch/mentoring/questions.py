"""The quick question: before any request, a member may ask an approved mentor one question.

One open question per pair at a time (a partial unique index, so two tabs make one); the mentor
answers it once in one text field (a conditional UPDATE on `answered_at`) or leaves it. It never
blocks a request. Both emails go through the outbox. The caller commits.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.asking import RequestProblem
from mentormatch.mentoring.pair_models import QuickQuestion
from mentormatch.profiles.listing import is_listed

QUESTION_LIMIT = 1000


def question_problem(asker: User, mentor: User) -> str | None:
    """Why `asker` can't ask `mentor` a quick question now, or None."""
    if asker.id == mentor.id:
        return "You can't ask yourself a question."
    profile = mentor.profile
    if not is_listed(mentor) or profile is None or not profile.is_approved_mentor:
        return f"{mentor.display_name} can't take questions at the moment."
    if open_question(asker, mentor) is not None:
        return f"You have a question waiting for {mentor.display_name}'s answer."
    return None


def open_question(asker: User, mentor: User) -> QuickQuestion | None:
    return db.session.scalar(
        select(QuickQuestion).where(
            QuickQuestion.asker_id == asker.id,
            QuickQuestion.mentor_id == mentor.id,
            QuickQuestion.answered_at.is_(None),
        )
    )


def ask_question(asker: User, mentor: User, body: str) -> QuickQuestion:
    """Ask, once: RequestProblem when not allowed, or when another tab asked a moment ago."""
    problem = question_problem(asker, mentor)
    if problem:
        raise RequestProblem(problem)
    question = QuickQuestion(asker_id=asker.id, mentor_id=mentor.id, body=body.strip())
    try:
        with db.session.begin_nested():
            db.session.add(question)
    except IntegrityError:
        raise RequestProblem(f"You have a question waiting for {mentor.display_name}'s answer.") from None
    send_email(
        mentor.email,
        "quick_question",
        f"{asker.display_name} has a quick question for you",
        question=question,
        asker=asker,
        mentor=mentor,
        link=absolute_url("mentoring.requests", _anchor="questions-title"),
    )
    return question


def answer_question(question: QuickQuestion, answer: str) -> None:
    """Answer once; the asker is emailed the answer. RequestProblem when already answered."""
    result = db.session.execute(
        update(QuickQuestion)
        .where(QuickQuestion.id == question.id, QuickQuestion.answered_at.is_(None))
        .values(answer=answer.strip(), answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise RequestProblem("You've already answered this question.")
    db.session.refresh(question)
    if question.asker.email and not question.asker.deleted_at:
        send_email(
            question.asker.email,
            "quick_question_answered",
            f"{question.mentor.display_name} answered your question",
            question=question,
            link=absolute_url("profiles.show", user_id=question.mentor_id),
        )


def questions_for(mentor: User) -> list[QuickQuestion]:
    """The open questions waiting for this mentor, oldest first."""
    return list(
        db.session.scalars(
            select(QuickQuestion)
            .options(selectinload(QuickQuestion.asker))
            .where(QuickQuestion.mentor_id == mentor.id, QuickQuestion.answered_at.is_(None))
            .order_by(QuickQuestion.id)
        )
    )


def answered_by(asker: User, mentor: User) -> list[QuickQuestion]:
    """Questions `asker` put to `mentor`, newest first (for the asker on the mentor's profile)."""
    return list(
        db.session.scalars(
            select(QuickQuestion)
            .where(QuickQuestion.asker_id == asker.id, QuickQuestion.mentor_id == mentor.id)
            .order_by(QuickQuestion.id.desc())
        )
    )


@personal_data_requested.connect
def _export_questions(user: User) -> dict:
    """The quick questions someone asked, and those they were asked, with the answers."""
    found = db.session.scalars(
        select(QuickQuestion)
        .where((QuickQuestion.asker_id == user.id) | (QuickQuestion.mentor_id == user.id))
        .order_by(QuickQuestion.id)
    )
    return {
        "quick_questions": [
            {
                "asked": q.asker_id == user.id,
                "question": q.body,
                "answer": q.answer,
                "asked_at": q.created_at.isoformat(),
            }
            for q in found
        ]
    }


@account_deleting.connect
def _forget_questions(user: User) -> None:
    """A deleted account's questions go, asked or answered."""
    db.session.execute(
        delete(QuickQuestion).where(
            (QuickQuestion.asker_id == user.id) | (QuickQuestion.mentor_id == user.id)
        )
    )
