"""Property tests: whatever a details file, front matter or clinic file holds, the answer is a PDF
or one-line errors with a non-zero exit, never a traceback."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoutkit import InputError
from handoutkit.config import load_clinic
from handoutkit.content import parse_handout
from make_handouts import main

from .conftest import ROOT

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# TOML strings cannot hold most control characters; anything else is fair game.
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'),
    max_size=80,
)
toml_value = st.one_of(
    text.map(lambda s: f'"{s}"'),
    st.integers(-5, 5000).map(str),
    st.booleans().map(str).map(str.lower),
    st.lists(text.map(lambda s: f'"{s}"'), max_size=3).map(lambda xs: f"[{', '.join(xs)}]"),
    st.sampled_from(["2026-12-01", "1980-02-30", '"soon"', "{}"]),
)
FIELDS = {
    "person": ["name", "date_of_birth", "phone", "address", "nickname"],
    "medication": ["name", "dose", "symptoms", "earlier_tapers"],
    "letter": ["date", "requests", "note"],
    "employer": ["limitations", "accommodations", "disclose_condition", "start", "recipient"],
}


def assert_clean_failure(code: int, err: str) -> None:
    assert code in (1, 2)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)


@st.composite
def details_files(draw) -> str:
    lines = []
    for section, keys in FIELDS.items():
        lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))):
            lines.append(f"{key} = {draw(toml_value)}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(details_files())
def test_any_details_file_gives_letters_or_clean_errors(tmp_path_factory, capsys, content):
    folder = tmp_path_factory.mktemp("fuzz")
    details = folder / "details.toml"
    details.write_text(content, encoding="utf-8")
    out = folder / "out"
    capsys.readouterr()
    code = main(["letters", "--details", str(details), "--out", str(out)])
    err = capsys.readouterr().err
    if code == 0:
        # A letter whose own section is empty is skipped; long answers only warn. The how-to
        # sheet for the letters is printed beside whichever are made.
        assert all(line.startswith("warning: ") for line in err.splitlines())
        written = set(p.name for p in out.iterdir())
        letters = written - {"using-your-letters.pdf"}
        assert letters and letters <= {"employer-accommodation.pdf", "physician-letter.pdf"}
        assert "using-your-letters.pdf" in written
    else:
        assert_clean_failure(code, err)
        assert not out.exists()


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "title", "audience", "kind", "pages", "reviewed", "sources", "x"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.text(max_size=5))),
    )
)
def test_any_front_matter_parses_or_reports(front):
    import yaml

    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody.\n"
    handout, problems = parse_handout(text, "handouts/01-x.md", "01-x.md")
    assert (handout is None) == bool(problems)
    for problem in problems:
        assert str(problem).startswith("handouts/01-x.md")
        assert "\n" not in str(problem)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_front_matter_text_is_handled(raw):
    handout, problems = parse_handout(f"---\n{raw}\n---\nBody\n", "handouts/01-x.md", "01-x.md")
    assert (handout is None) == bool(problems)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["name", "phone", "accent", "paper", "region", "logo", "website", "x"]),
        toml_value,
    )
)
def test_any_clinic_file_loads_or_reports(tmp_path_factory, values):
    folder = tmp_path_factory.mktemp("clinic")
    body = "[clinic]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
    path = folder / "clinic.toml"
    path.write_text(body, encoding="utf-8")
    try:
        clinic = load_clinic(path, "clinic.toml")
    except InputError as exc:
        assert exc.lines() and all(line.startswith("clinic.toml") for line in exc.lines())
    else:
        # An empty [clinic] table is no clinic; any setting at all needs a name.
        assert clinic.name.strip() if values else clinic is None


@SETTINGS
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_sheet_body_builds_or_reports(tmp_path_factory, capsys, body):
    root = tmp_path_factory.mktemp("proj")
    for name in ("templates", "styles"):
        shutil.copytree(ROOT / name, root / name)
    (root / "handouts").mkdir()
    shutil.copy(ROOT / "handouts" / "regions.toml", root / "handouts")
    sheet = (
        "---\nid: fuzz\ntitle: Fuzz\naudience: patient\nkind: handout\nreviewed: 2026-11-01\n"
        "sources: [Test]\n---\n"
    )
    (root / "handouts" / "01-fuzz.md").write_text(sheet + body, encoding="utf-8")
    capsys.readouterr()
    code = main(["--project", str(root), "--out", str(root / "out"), "--jobs", "1"])
    err = capsys.readouterr().err
    if code:
        assert_clean_failure(code, err)
