"""The app's routes: the pages, the letters, answers files, previews and handouts.

Every answer a person gives arrives in a POST body and leaves in the response: nothing is kept
on the server, written to disk, logged or put in a URL.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import PurePath
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from ..details import validate_details
from ..errors import Problem
from ..fields import BY_KEY
from .answers import ANSWERS_NAME, read_answers, toml_text
from .forms import (
    SETTINGS,
    UPLOAD,
    Answers,
    answers_from_details,
    answers_from_form,
    default_answers,
    details_from_answers,
    longest_answer,
    messages,
    settings_from_answers,
)
from .pool import RenderPool, TimedOut, Unavailable, WorkerError
from .site import HOWTO_ID, Site
from .worker import HandoutTask, LetterTask

MAX_FIELDS = 300  # a letter form has about 60 controls and choices
NAME_LENGTH = 80  # of an uploaded file's name, as shown back in messages


def _site(request: Request) -> Site:
    return request.app.state.site


def _pool(request: Request) -> RenderPool:
    return request.app.state.pool


def url_maker(app, root_path: str):
    """Paths that work behind a proxy's sub-path (root_path); never a host, never a query."""

    def url(route: str, /, **params: Any) -> str:
        return root_path + str(app.url_path_for(route, **params))

    return url


def page(request: Request, template: str, status: int = 200, headers=None, **context) -> Response:
    site = _site(request)
    html = site.render(
        template,
        url=url_maker(request.app, request.scope.get("root_path", "")),
        crisis=site.library.region,
        **context,
    )
    return HTMLResponse(html, status, headers)


def _today() -> dt.date:
    return dt.date.today()


def _letter(request: Request):
    letter = _site(request).letters.get(request.path_params["id"])
    if letter is None:
        raise HTTPException(404)
    return letter


# Pages -------------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    site = _site(request)
    everything = list(site.letters.values())
    return page(
        request,
        "home.html",
        title=site.web["home"]["title"],
        letters=[h for h in everything if not site.for_clinicians(h)],
        clinicians=[h for h in everything if site.for_clinicians(h)],
        everything=everything,
        downloads=site.downloads,
        editions=list(site.editions),
        card_id=site.card.id if site.card else "",
    )


async def letter_form(request: Request) -> Response:
    site, letter = _site(request), _letter(request)
    form = site.form(letter)
    answers = default_answers(form, _today(), site.region, site.edition)
    return letter_page(request, letter, answers, fresh=True)


def letter_page(
    request: Request,
    letter,
    answers: Answers,
    problems: list[Problem] = (),
    status: int = 200,
    headers: dict[str, str] | None = None,
    notice: str = "",
    fresh: bool = False,
) -> Response:
    """The form with the person's answers, and their problems beside the boxes they concern."""
    site = _site(request)
    form = site.form(letter)
    shown = form.keys | set(SETTINGS)
    carried = [
        (key, value)
        for key, value in answers.items()
        if key not in shown and key in BY_KEY
    ]  # fmt: skip
    found = messages(problems, form, site.strings, site.web)
    title = letter.title
    if found or notice:
        title = site.web["title_error"].format(title=title)
    others = [h for h in site.group(letter) if h.id != letter.id]
    return page(
        request,
        "letter.html",
        status,
        headers,
        title=title,
        letter=letter,
        form=form,
        answers=answers,
        messages=found,
        notice=notice,
        carried=carried,
        fw=site.words(letter),
        # How to use the letters is the person's; a plan or a note is made by their clinician,
        # and a wallet card needs no how-to beyond its own page.
        howto=None if site.for_clinicians(letter) or letter is site.card else site.howto,
        howto_id=HOWTO_ID,
        edition=site.edition.name,
        others=others,
        fresh=fresh,
        card_id=site.card.id if site.card else "",
    )


# Letters -----------------------------------------------------------------------------------------


async def _posted(request: Request) -> Answers:
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    return answers_from_form(form.multi_items())


def _checked(site: Site, letter, answers: Answers):
    region, edition, problems = settings_from_answers(
        answers, site.region, site.edition, site.web["errors"]
    )
    values, found = validate_details(details_from_answers(answers), {letter.id}, _today())
    return region, edition, values, [*problems, *found]


async def letter_pdf(request: Request) -> Response:
    return await _made(request, _letter(request))


async def card_pdf(request: Request) -> Response:
    """The person's wallet card from the card form's answers, as `letters` writes it."""
    card = _site(request).card
    if card is None:
        raise HTTPException(404)
    return await _made(request, card)


async def _made(request: Request, letter) -> Response:
    site = _site(request)
    answers = await _posted(request)
    region, edition, values, problems = _checked(site, letter, answers)
    if problems:
        return letter_page(request, letter, answers, problems, 422)
    try:
        result = await _pool(request).run(LetterTask(letter.id, values, edition, region))
    except Unavailable as exc:
        return _unavailable(request, letter, answers, exc)
    except WorkerError:
        notice = site.web["errors"]["server"]
        return letter_page(request, letter, answers, status=500, notice=notice)
    if result.problems:
        return letter_page(request, letter, answers, list(result.problems), 422)
    return Response(
        result.pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{result.name}"'},
    )


def _unavailable(request: Request, letter, answers: Answers, exc: Unavailable) -> Response:
    site = _site(request)
    key = "timeout" if isinstance(exc, TimedOut) else "busy"
    retry = {"retry-after": str(site.settings.retry_after)}
    notice = site.web["errors"][key]
    return letter_page(request, letter, answers, status=503, headers=retry, notice=notice)


async def letter_answers(request: Request) -> Response:
    """The answers as a details file; saved as they are, so unfinished work can be kept."""
    site = _site(request)
    _letter(request)
    answers = await _posted(request)
    header = site.web["answers"]["header"].format(date=_today().isoformat())
    text = toml_text(details_from_answers(answers), header)
    return Response(
        text.encode("utf-8"),
        media_type="application/toml; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{ANSWERS_NAME}"'},
    )


async def letter_preview(request: Request) -> Response:
    """The letter's pages as PNG images (for the page's script), with a note on its length."""
    site, letter = _site(request), _letter(request)
    words = site.web["preview"]
    answers = await _posted(request)
    region, edition, values, problems = _checked(site, letter, answers)
    if problems:
        found = messages(problems, site.form(letter), site.strings, site.web)
        texts = " ".join(_sentence(text) for _, text in found.summary)
        target = next((t for t, _ in found.summary if t), None)
        answer = {"status": "problems", "note": words["fix_first"].format(problems=texts)}
        return JSONResponse({**answer, **_go_to(site, letter, target)}, 422)
    task = LetterTask(letter.id, values, edition, region, preview=True)
    try:
        result = await _pool(request).run(task)
    except Unavailable:
        headers = {"retry-after": str(site.settings.retry_after)}
        return JSONResponse({"status": "busy", "note": words["busy"]}, 503, headers)
    except WorkerError:
        return JSONResponse({"status": "failed", "note": words["failed"]}, 500)
    form = site.form(letter)
    if result.problems:
        found = messages(result.problems, form, site.strings, site.web)
        target, text = found.summary[0]
        answer = {"status": "problems", "note": _sentence(text)}
        return JSONResponse({**answer, **_go_to(site, letter, target)}, 422)
    images = [
        "data:image/png;base64," + base64.b64encode(png).decode("ascii") for png in result.images
    ]
    note, target = words["ready_one"], None
    if result.pages > 1:
        note = words["ready_many"].format(n=result.pages)
        longest = longest_answer(form, answers)
        if result.warnings:  # the renderer's own word on which answer ran over
            target, text = messages(result.warnings, form, site.strings, site.web).summary[0]
            note += " " + text
        elif longest is not None:
            label = site.strings["fields"][longest.key]["label"]
            note += " " + words["runs_over"].format(n=result.pages, label=label)
            target = form.control(longest.key).id
    answer = {"status": "ok", "pages": result.pages, "images": images, "note": note}
    return JSONResponse({**answer, **_go_to(site, letter, target)})


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _go_to(site: Site, letter, target: str | None) -> dict[str, str]:
    """The box a preview note is about: its id, and its label for the link to it."""
    control = next(
        (c for g in site.form(letter).groups for c in g.controls if c.id == target), None
    )
    if control is None:
        return {}
    return {"field": control.id, "label": control.label}


async def open_answers(request: Request) -> Response:
    """An uploaded details file, shown as the form filled in; its problems beside the boxes."""
    site = _site(request)
    form = await request.form(max_files=1, max_fields=10, max_part_size=site.settings.max_body)
    letter = site.letters.get(str(form.get("letter", ""))) or next(iter(site.letters.values()))
    upload = form.get(UPLOAD)
    blank = default_answers(site.form(letter), _today(), site.region, site.edition)
    if not isinstance(upload, UploadFile) or not upload.filename:
        problem = Problem("", site.web["errors"]["no_file"], field=UPLOAD)
        return letter_page(request, letter, blank, [problem], 422)
    data = await upload.read()
    await upload.close()
    shown = PurePath(upload.filename.replace("\\", "/")).name[:NAME_LENGTH]
    mapping, problems = read_answers(data, shown, site.web["errors"]["bad_file"])
    answers = {**blank, **answers_from_details(mapping)}
    if not problems:
        _, found = validate_details(mapping, (), _today(), shown)
        # Say what is wrong with what the file holds; what it lacks is asked for on download.
        problems = [p for p in found if not p.field or answers.get(p.field) not in (None, "")]
    form_keys = site.form(letter).keys
    # A problem with no box of its own on this page is shown at the file box, whole.
    problems = [
        p if p.field in form_keys else Problem("", str(p).lstrip(": "), field=UPLOAD)
        for p in problems
    ]
    return letter_page(request, letter, answers, problems, 422 if problems else 200)


async def clear(request: Request) -> Response:
    """Forget everything: the browser drops any draft it kept, and the form starts empty."""
    site = _site(request)
    form = await request.form(max_files=0, max_fields=10)
    letter = site.letters.get(str(form.get("letter", "")))
    url = url_maker(request.app, request.scope.get("root_path", ""))
    target = url("letter_form", id=letter.id) if letter else url("home")
    response = RedirectResponse(target, status_code=303)
    response.headers["clear-site-data"] = '"cache", "storage"'
    return response


# Handouts ----------------------------------------------------------------------------------------


async def handout(request: Request) -> Response:
    site = _site(request)
    edition = site.editions.get(request.path_params["edition"])
    name = request.path_params["name"]
    if edition is None or name not in site.names or not site.made_in(name, edition):
        raise HTTPException(404)
    data = site.remembered(name, edition) or await run_in_threadpool(site.built, name, edition)
    if data is None:
        try:
            task = HandoutTask(name, edition)
            result = await _pool(request).run(task, site.settings.handout_timeout)
        except Unavailable:
            headers = {"retry-after": str(site.settings.retry_after)}
            return page(
                request,
                "error.html",
                503,
                headers,
                title=site.web["errors"]["busy_title"],
                heading=site.web["errors"]["busy_title"],
                message=site.web["errors"]["busy"],
            )
        if result.problems:
            raise RuntimeError("a handout failed to render")  # Logged by type by the guard.
        data = result.pdf
        site.remember(name, edition, data)
    return Response(
        data,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}.pdf"'},
    )


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def refused(request: Request, exc: Exception) -> Response:
    """404 and 405: no such page; anything else Starlette refuses (a body that is not a form,
    too many fields) is a request that could not be read."""
    site = _site(request)
    status = getattr(exc, "status_code", 400)
    words = site.web["errors"]
    key = "not_found" if status in (404, 405) else "bad_request"
    return page(
        request,
        "error.html",
        status,
        title=words[f"{key}_title"],
        heading=words[f"{key}_title"],
        message=words[key],
    )
