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
from ..language import DEFAULT_LANG
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
from .site import HOWTO_ID, Interface, Site
from .worker import HandoutTask, LetterTask

MAX_FIELDS = 300  # a letter form has about 60 controls and choices
NAME_LENGTH = 80  # of an uploaded file's name, as shown back in messages
LANG = "lang"  # the query parameter of the pages' language: the only query a page link carries
# Routes whose URLs never carry the pages' language: files, and handouts (their own path has it).
NO_LANG = ("static", "fonts", "handout", "handout_lang")


def _site(request: Request) -> Site:
    return request.app.state.site


def _pool(request: Request) -> RenderPool:
    return request.app.state.pool


def interface(site: Site, query: Any) -> Interface:
    """The pages' language: ?lang= on the URL when the app has it, else the default.

    Posted forms carry it in their action URL: it is not personal, and it must survive a form
    whose answers are refused (422), a reload and the preview's requests.
    """
    return site.interface(query.get(LANG))


def _ui(request: Request) -> Interface:
    return interface(_site(request), request.query_params)


def url_maker(app, root_path: str, lang: str = ""):
    """Paths that work behind a proxy's sub-path (root_path); never a host, and no query but
    the pages' language (`lang`, left out for the default)."""

    def url(route: str, /, **params: Any) -> str:
        path = root_path + str(app.url_path_for(route, **params))
        return path if not lang or route in NO_LANG else f"{path}?{LANG}={lang}"

    return url


def handout_url(url):
    """A handout's address: /handouts/<edition>/<id>.pdf, as build/ lays out the files, and
    /handouts/<lang>/<edition>/<id>.pdf for a language other than English (build/es/...)."""

    def handout(lang: str, edition: str, name: str) -> str:
        if lang == DEFAULT_LANG:
            return url("handout", edition=edition, name=name)
        return url("handout_lang", lang=lang, edition=edition, name=name)

    return handout


def context(site: Site, ui: Interface, app, root_path: str, path: str | None) -> dict[str, Any]:
    """What every page's frame needs: its words, its URLs, the crisis lines and the switch to
    each other language (to `path`, the page's own full path, in that language; else home)."""
    url = url_maker(app, root_path, "" if ui.code == site.default else ui.code)
    switch = []
    for code in site.langs:
        if code == ui.code:
            continue
        target = url_maker(app, root_path, "" if code == site.default else code)
        here = path if path is not None else target("home")  # `path` has the root_path
        if path is not None and code != site.default:
            here += f"?{LANG}={code}"
        words = site.interface(code).web["language"]  # said to whoever reads that language
        switch.append({"lang": code, "name": words["names"][code], "hint": words["switch_hint"],
                       "href": here, "url": target})  # fmt: skip
    return {
        "w": ui.web,
        "ui": ui,
        "url": url,
        "handout_url": handout_url(url),
        "crisis": ui.crisis,
        "switch": switch,
    }


def page(
    request: Request, template: str, status: int = 200, headers=None, lang: str = "", **values
) -> Response:
    """A page in the request's language (or `lang`)."""
    site = _site(request)
    ui = site.interface(lang) if lang else _ui(request)
    # A page got by its address is switched in place; any other (a POST's answer) from home.
    path = request.url.path if request.method == "GET" and not lang else None
    frame = context(site, ui, request.app, request.scope.get("root_path", ""), path)
    html = site.render(template, **frame, **values)
    return HTMLResponse(html, status, headers)


def _today() -> dt.date:
    return dt.date.today()


def _letter(request: Request):
    letter = _ui(request).letters.get(request.path_params["id"])
    if letter is None:
        raise HTTPException(404)
    return letter


# Pages -------------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    site, ui = _site(request), _ui(request)
    everything = list(ui.letters.values())
    return page(
        request,
        "home.html",
        title=ui.web["home"]["title"],
        letters=[h for h in everything if not site.for_clinicians(h)],
        clinicians=[h for h in everything if site.for_clinicians(h)],
        everything=everything,
        handouts=ui.handouts,
        editions=list(site.editions),
        card_id=site.card.id if site.card else "",
    )


async def letter_form(request: Request) -> Response:
    """The form: fresh, or (POST, from the language switch) with the answers sent, unchecked."""
    site, ui, letter = _site(request), _ui(request), _letter(request)
    if request.method == "POST":
        return letter_page(request, letter, await _posted(request))
    form = ui.form(letter)
    answers = default_answers(form, _today(), site.region, site.edition, ui.code)
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
    site, ui = _site(request), _ui(request)
    form = ui.form(letter)
    shown = form.keys | set(SETTINGS)
    carried = [
        (key, value)
        for key, value in answers.items()
        if key not in shown and key in BY_KEY
    ]  # fmt: skip
    found = messages(problems, form, ui.strings, ui.web)
    title = letter.title
    if found or notice:
        title = ui.web["title_error"].format(title=title)
    others = [h for h in ui.group(letter) if h.id != letter.id]
    card_id = site.card.id if site.card else ""
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
        fw=ui.words(letter),
        borrowed=ui.lang_attr(letter),  # the letter's own words, when not in the page's language
        # How to use the letters is the person's; a plan or a note is made by their clinician,
        # and a wallet card needs no how-to beyond its own page.
        howto=None if site.for_clinicians(letter) or letter.id == card_id else ui.howto,
        howto_id=HOWTO_ID,
        howto_lang=ui.howto_library.language.code,
        edition=site.edition.name,
        others=others,
        fresh=fresh,
        card_id=card_id,
    )


# Letters -----------------------------------------------------------------------------------------


async def _posted(request: Request) -> Answers:
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    return answers_from_form(form.multi_items())


def _checked(site: Site, ui: Interface, letter, answers: Answers):
    region, edition, lang, problems = settings_from_answers(
        answers, site.region, site.edition, ui.web["errors"], site.letter_langs(letter.id)
    )
    # Messages in the page's language, whatever language the letter is made in.
    words = ui.strings["messages"]
    values, found = validate_details(
        details_from_answers(answers), {letter.id}, _today(), words=words
    )
    return region, edition, lang, values, [*problems, *found]


async def letter_pdf(request: Request) -> Response:
    return await _made(request, _letter(request))


async def card_pdf(request: Request) -> Response:
    """The person's wallet card from the card form's answers, as `letters` writes it."""
    site, ui = _site(request), _ui(request)
    if site.card is None:
        raise HTTPException(404)
    return await _made(request, ui.letters[site.card.id])


async def _made(request: Request, letter) -> Response:
    site, ui = _site(request), _ui(request)
    answers = await _posted(request)
    region, edition, lang, values, problems = _checked(site, ui, letter, answers)
    if problems:
        return letter_page(request, letter, answers, problems, 422)
    task = LetterTask(letter.id, values, edition, region, lang=lang)
    try:
        result = await _pool(request).run(task)
    except Unavailable as exc:
        return _unavailable(request, letter, answers, exc)
    except WorkerError:
        notice = ui.web["errors"]["server"]
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
    notice = _ui(request).web["errors"][key]
    return letter_page(request, letter, answers, status=503, headers=retry, notice=notice)


async def letter_answers(request: Request) -> Response:
    """The answers as a details file; saved as they are, so unfinished work can be kept."""
    _letter(request)
    answers = await _posted(request)
    header = _ui(request).web["answers"]["header"].format(date=_today().isoformat())
    text = toml_text(details_from_answers(answers), header)
    return Response(
        text.encode("utf-8"),
        media_type="application/toml; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{ANSWERS_NAME}"'},
    )


async def letter_preview(request: Request) -> Response:
    """The letter's pages as PNG images (for the page's script), with a note on its length."""
    site, ui, letter = _site(request), _ui(request), _letter(request)
    words = ui.web["preview"]
    answers = await _posted(request)
    region, edition, lang, values, problems = _checked(site, ui, letter, answers)
    if problems:
        found = messages(problems, ui.form(letter), ui.strings, ui.web)
        texts = " ".join(_sentence(text) for _, text in found.summary)
        target = next((t for t, _ in found.summary if t), None)
        answer = {"status": "problems", "note": words["fix_first"].format(problems=texts)}
        return JSONResponse({**answer, **_go_to(ui, letter, target)}, 422)
    task = LetterTask(letter.id, values, edition, region, preview=True, lang=lang)
    try:
        result = await _pool(request).run(task)
    except Unavailable:
        headers = {"retry-after": str(site.settings.retry_after)}
        return JSONResponse({"status": "busy", "note": words["busy"]}, 503, headers)
    except WorkerError:
        return JSONResponse({"status": "failed", "note": words["failed"]}, 500)
    form = ui.form(letter)
    if result.problems:
        found = messages(result.problems, form, ui.strings, ui.web)
        target, text = found.summary[0]
        answer = {"status": "problems", "note": _sentence(text)}
        return JSONResponse({**answer, **_go_to(ui, letter, target)}, 422)
    images = [
        "data:image/png;base64," + base64.b64encode(png).decode("ascii") for png in result.images
    ]
    note, target = words["ready_one"], None
    if result.pages > 1:
        note = words["ready_many"].format(n=result.pages)
        longest = longest_answer(form, answers)
        if result.warnings:  # the renderer's own word on which answer ran over
            target, text = messages(result.warnings, form, ui.strings, ui.web).summary[0]
            note += " " + text
        elif longest is not None:
            label = ui.strings["fields"][longest.key]["label"]
            note += " " + words["runs_over"].format(n=result.pages, label=label)
            target = form.control(longest.key).id
    answer = {"status": "ok", "pages": result.pages, "images": images, "note": note}
    return JSONResponse({**answer, **_go_to(ui, letter, target)})


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _go_to(ui: Interface, letter, target: str | None) -> dict[str, str]:
    """The box a preview note is about: its id, and its label for the link to it."""
    control = next((c for g in ui.form(letter).groups for c in g.controls if c.id == target), None)
    if control is None:
        return {}
    return {"field": control.id, "label": control.label}


async def open_answers(request: Request) -> Response:
    """An uploaded details file, shown as the form filled in; its problems beside the boxes."""
    site, ui = _site(request), _ui(request)
    form = await request.form(max_files=1, max_fields=10, max_part_size=site.settings.max_body)
    letter = ui.letters.get(str(form.get("letter", ""))) or next(iter(ui.letters.values()))
    upload = form.get(UPLOAD)
    blank = default_answers(ui.form(letter), _today(), site.region, site.edition, ui.code)
    if not isinstance(upload, UploadFile) or not upload.filename:
        problem = Problem("", ui.web["errors"]["no_file"], field=UPLOAD)
        return letter_page(request, letter, blank, [problem], 422)
    data = await upload.read()
    await upload.close()
    shown = PurePath(upload.filename.replace("\\", "/")).name[:NAME_LENGTH]
    mapping, problems = read_answers(data, shown, ui.web["errors"]["bad_file"])
    answers = {**blank, **answers_from_details(mapping)}
    if not problems:
        _, found = validate_details(mapping, (), _today(), shown, words=ui.strings["messages"])
        # Say what is wrong with what the file holds; what it lacks is asked for on download.
        problems = [p for p in found if not p.field or answers.get(p.field) not in (None, "")]
    form_keys = ui.form(letter).keys
    # A problem with no box of its own on this page is shown at the file box, whole.
    problems = [
        p if p.field in form_keys else Problem("", str(p).lstrip(": "), field=UPLOAD)
        for p in problems
    ]
    return letter_page(request, letter, answers, problems, 422 if problems else 200)


async def clear(request: Request) -> Response:
    """Forget everything: the browser drops any draft it kept, and the form starts empty."""
    site, ui = _site(request), _ui(request)
    form = await request.form(max_files=0, max_fields=10)
    letter = ui.letters.get(str(form.get("letter", "")))
    lang = "" if ui.code == site.default else ui.code
    url = url_maker(request.app, request.scope.get("root_path", ""), lang)
    target = url("letter_form", id=letter.id) if letter else url("home")
    response = RedirectResponse(target, status_code=303)
    response.headers["clear-site-data"] = '"cache", "storage"'
    return response


# Handouts ----------------------------------------------------------------------------------------


async def handout(request: Request) -> Response:
    """A handout in English (/handouts/<edition>/<name>.pdf) or another language
    (/handouts/<lang>/<edition>/<name>.pdf): the file `build` writes at the same path."""
    site = _site(request)
    lang = request.path_params.get("lang", DEFAULT_LANG)
    edition = site.editions.get(request.path_params["edition"])
    name = request.path_params["name"]
    if lang == DEFAULT_LANG and "lang" in request.path_params:
        raise HTTPException(404)  # English has one address, without the language
    if edition is None or name not in site.names(lang) or not site.made_in(name, edition, lang):
        raise HTTPException(404)
    data = site.remembered(name, edition, lang) or await run_in_threadpool(
        site.built, name, edition, lang
    )
    if data is None:
        try:
            task = HandoutTask(name, edition, lang)
            result = await _pool(request).run(task, site.settings.handout_timeout)
        except Unavailable:
            headers = {"retry-after": str(site.settings.retry_after)}
            words = site.interface(lang).web["errors"]
            return page(
                request,
                "error.html",
                503,
                headers,
                lang=lang,
                title=words["busy_title"],
                heading=words["busy_title"],
                message=words["busy"],
            )
        if result.problems:
            raise RuntimeError("a handout failed to render")  # Logged by type by the guard.
        data = result.pdf
        site.remember(name, edition, data, lang)
    # A Spanish sheet saved beside the English one keeps its own name, as letters do (-es).
    filename = name if lang == DEFAULT_LANG else f"{name}-{lang}"
    return Response(
        data,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{filename}.pdf"'},
    )


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def refused(request: Request, exc: Exception) -> Response:
    """404 and 405: no such page; anything else Starlette refuses (a body that is not a form,
    too many fields) is a request that could not be read."""
    status = getattr(exc, "status_code", 400)
    words = _ui(request).web["errors"]
    key = "not_found" if status in (404, 405) else "bad_request"
    return page(
        request,
        "error.html",
        status,
        title=words[f"{key}_title"],
        heading=words[f"{key}_title"],
        message=words[key],
    )
