"""Words true to the room: names, quotes, claims, no greeting or signature, no judgement of a
member; a model's answer cut at the cap keeps its whole sentences (issue 23, item 3)."""

from __future__ import annotations

import pytest

from facilitator.engine import Engine
from facilitator.memory.state import RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.facts import check_words, trim_to_sentence
from facilitator.policies.graph import Assessment
from facilitator.policies.llm.base import LLMResult, TokenUsage
from facilitator.policies.llm.scripted import ScriptedProvider
from tests.policy_scenarios import EveryMovePolicy
from tests.test_policy_llm import HEATED, OPENING, feed, rules_posts, templates

DECIDING = [("li", "Thanks for coming, we need to decide on the lot."),
            ("ana", "I propose we split the lot between the garden and the playground."),
            ("bo", "+1, splitting it sounds fair."),
            ("cy", "Agreed, let's split it."),
            ("ana", "The budget covers one project this year."),
            ("li", "Who can ask the city about the fence this week?")]


async def room_after(store: RoomStore, room: str, lines: list[tuple[str, str]]) -> RoomState:
    await feed(Engine(store, EveryMovePolicy(provider=None)), room, lines)
    state = await store.get(f"local:{room}")
    assert state is not None
    return state


async def test_true_words_pass(store: RoomStore) -> None:
    state = await room_after(store, "ok", OPENING + HEATED)
    for text in ["Rosa, Greg — let's pause. What does each of you need from the lot?",
                 'Rosa said "Half a garden helps nobody." Greg, what would a fair split be?',
                 "Ana mentioned the budget covers one project. Li, which options are on the "
                 "table?",
                 "@rosa and @greg, could you each say the one thing you need?"]:
        checked = check_words(text, state)
        assert checked.ok, (text, checked.problem)
        assert checked.text == text


@pytest.mark.parametrize(("text", "problem"), [
    ("Lena, what do you think about the lot?", "names someone not in the room (Lena)"),
    ("Could @lena weigh in on the garden?", "names someone not in the room (@lena)"),
    ("I think we should hear from Marco and Rosa.", "names someone not in the room (Marco)"),
    ("Hi all, let's take a breath and look at the lot again.", "opens with a greeting"),
    ("Let's take a breath and look at the lot again.\n\nBest, Lena", "ends with a signature"),
    ("Let's take a breath and look at the lot again. Cheers,\nThe Facilitator",
     "ends with a signature"),
    ("Let's take a breath and look at the lot again — your facilitator",
     "ends with a signature"),
    ("Since the group decided to build the playground, let's plan it.",
     "claims a decision the room has not made"),
    ("There are three open questions we should get to, Rosa.", "says three open questions; the room has 0"),
    ("Greg is being rude, and that has to stop.", "passes judgement on a member"),
    ("Rosa, you are so unreasonable today; please calm down.", "passes judgement on a member"),
    # The issue's own examples: a decision list the record does not hold, a member's point
    # dismissed as opinion, a judgement of what a member wrote.
    ("What the group has decided so far: a 4th of July holiday in 2017.",
     "claims a decision the room has not made"),
    ("Decisions so far: the playground first, then the garden.",
     "claims a decision the room has not made"),
    ("Greg, that is your own personal interpretation, a statement of opinion.",
     "passes judgement on a member"),
    ("Rosa, your point is just a statement of opinion.", "passes judgement on a member"),
    ("Greg's comment was out of line, and everyone saw it.", "passes judgement on a member"),
    ("Greg, that remark was uncalled for.", "passes judgement on a member"),
])
async def test_untrue_words_are_caught(store: RoomStore, text: str, problem: str) -> None:
    state = await room_after(store, "bad", OPENING + HEATED)
    checked = check_words(text, state)
    assert checked.problem is not None and checked.problem.startswith(problem), checked.problem


async def test_claims_are_checked_against_the_rooms_items(store: RoomStore) -> None:
    state = await room_after(store, "items", DECIDING)
    assert state.proposals and state.open_questions()
    assert check_words("Ana proposed splitting the lot; Bo and Cy support it.", state).ok
    assert check_words("Li asked who can ask the city about the fence.", state).ok
    assert not check_words("Bo proposed a parking lot instead.", state).ok
    assert not check_words("Cy asked whether the fence is needed.", state).ok
    assert state.decisions  # the rules recorded the split
    assert check_words("You've decided to split the lot, so who takes it forward?", state).ok
    assert check_words("You've decided to build a parking garage, so who takes it forward?",
                       state).problem == "claims a decision that matches none in the room"
    assert check_words('What the group has decided so far: "I propose we split the lot between '
                       'the garden and the playground." (no owner yet).', state).ok
    assert check_words("What the group has decided so far: a 4th of July holiday in 2017.",
                       state).problem == "claims a decision that matches none in the room"
    assert check_words("Nothing has been decided yet, so let's keep going.",
                       state).problem == "says nothing was decided; the room has decisions"
    state.decisions.clear()
    assert check_words("You've decided to split the lot, so who takes it forward?",
                       state).problem == "claims a decision the room has not made"
    assert check_words("Nothing has been decided yet; the split is still a proposal.", state).ok
    assert check_words("What the group has decided so far: nothing decided yet.", state).ok
    assert check_words("Li, what have you decided so far? Ana, what do you need?", state).ok


async def test_a_quote_not_in_the_room_is_dropped_with_its_sentence(store: RoomStore) -> None:
    state = await room_after(store, "quotes", OPENING + HEATED)
    checked = check_words('Greg said "the city will pay for everything". Rosa, Greg, what does '
                          'each of you need from the lot?', state)
    assert checked.ok and checked.dropped == ["the city will pay for everything"]
    assert checked.text == "Rosa, Greg, what does each of you need from the lot?"
    alone = check_words('Greg said "the city will pay for everything".', state)
    assert not alone.ok


def test_a_cut_answer_keeps_its_whole_sentences() -> None:
    assert trim_to_sentence("Let us pause. Rosa, what do") == "Let us pause."
    assert trim_to_sentence('She asked "why?" and then') == 'She asked "why?"'
    assert trim_to_sentence("no sentence end at all") == ""


# ---- in the policy: a failed check hands the moment to the rules' draft ------------------------


DEESCALATE = Assessment(intervention="deescalate", to=["rosa", "greg"], reason="heat")


@pytest.mark.parametrize(("model_text", "why"), [
    ("Rosa, Greg — let's pause and say what each of you needs.\n\nBest, Lena",
     "model text ends with a signature"),
    ("Rosa, Greg: the group decided to split the lot, so let's stop arguing about it.",
     "model text claims a decision the room has not made"),
    ("Greg, you are being aggressive; Rosa, what do you need from the lot?",
     "model text passes judgement on a member"),
    ("Marco asked you both to calm down. What does each of you need from the lot?",
     "model text names someone not in the room (Marco)"),
])
async def test_untrue_model_words_fall_back_to_the_rules_draft(
        store: RoomStore, model_text: str, why: str) -> None:
    llm = ScriptedProvider([DEESCALATE, model_text])
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "g", OPENING + HEATED)
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    assert templates([d.text or "" for d in spoken]) == templates(
        await rules_posts(store, "g-rules", OPENING + HEATED))
    assert f"offline rules: {why}" in spoken[0].reason


async def test_an_answer_cut_at_the_cap_is_trimmed_and_posted(store: RoomStore) -> None:
    cut = LLMResult("Rosa, Greg — let's pause for a moment. What does each of you need from "
                    "the lot? Rosa, you mentioned the fam", TokenUsage(100, 200), truncated=True)
    llm = ScriptedProvider([DEESCALATE, cut])
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "g", OPENING + HEATED)
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    assert [d.text for d in spoken] == [
        "Rosa, Greg — let's pause for a moment. What does each of you need from the lot?"]
    assert "offline rules" not in spoken[0].reason


async def test_a_cut_answer_with_no_whole_sentence_falls_back(store: RoomStore) -> None:
    cut = LLMResult("Rosa, Greg — let's pause for a", TokenUsage(100, 200), truncated=True)
    llm = ScriptedProvider([DEESCALATE, cut])
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=llm)), "g", OPENING + HEATED)
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    assert templates([d.text or "" for d in spoken]) == templates(
        await rules_posts(store, "g-rules", OPENING + HEATED))


# ---- the same through the real SDKs, only the wire faked ----------------------------------------


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_through_the_sdks_a_cut_answer_is_trimmed_and_a_signed_one_replaced(
        store: RoomStore, kind: str) -> None:
    """The provider marks an answer cut at the cap (finish_reason "length", stop_reason
    "max_tokens"); the policy trims it to its whole sentences. A signed answer goes to the
    rules' draft. Both through the real openai and anthropic SDKs."""
    import json

    from facilitator.policies.llm.factory import make_provider
    from tests.llm_wire import (
        Wire,
        anthropic_text,
        anthropic_tool_use,
        openai_completion,
    )

    choice = {"reason": "heat", "intervention": "deescalate", "to": ["rosa", "greg"]}
    cut_text = ("Rosa, Greg — let's pause for a moment. What does each of you need from "
                "the lot? Rosa, you mentioned the fam")
    signed = "Rosa, Greg — let's pause and say what each of you needs.\n\nBest, Lena"
    if kind == "openai":
        replies = [openai_completion(json.dumps(choice)),
                   openai_completion(cut_text, finish_reason="length"),
                   openai_completion(json.dumps(choice)), openai_completion(signed)]
        env = {"OPENAI_API_KEY": "sk-test"}
    else:
        replies = [anthropic_tool_use("Assessment", choice),
                   anthropic_text(cut_text, stop_reason="max_tokens"),
                   anthropic_tool_use("Assessment", choice), anthropic_text(signed)]
        env = {"ANTHROPIC_API_KEY": "k"}
    silence = {"reason": "let them talk", "intervention": "silence", "to": []}
    quiet = [openai_completion(json.dumps(silence)) if kind == "openai"
             else anthropic_tool_use("Assessment", silence)] * 12
    for room, pair in (("cut", replies[:2]), ("signed", replies[2:])):
        wire = Wire([*pair, *quiet])
        provider = make_provider(f"{kind}:m", env=env, http_client=wire.client())
        assert provider is not None
        outcomes = await feed(Engine(store, EveryMovePolicy(provider=provider)), room,
                              OPENING + HEATED)
        spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
        if room == "cut":
            assert [d.text for d in spoken] == [
                "Rosa, Greg — let's pause for a moment. What does each of you need from the lot?"]
        else:
            assert templates([d.text or "" for d in spoken]) == templates(
                await rules_posts(store, f"{room}-rules", OPENING + HEATED))
            assert "offline rules: model text ends with a signature" in spoken[0].reason
        await provider.aclose()


# ---- claims grounded in the room's record; verdicts on members (issue 23 leftovers) ------------

# The lot meeting with a question nobody has answered yet, then the heat.
ASKED = [*OPENING[:2], ("li", "Who can ask the city about the fence this week?"), OPENING[2],
         *HEATED]
# The lot decided, and Bo takes the fence on (an action item; the question answered).
TAKEN_ON = [*DECIDING, ("bo", "I'll ask the city about the fence on Monday.")]


@pytest.mark.parametrize(("lines", "text"), [
    (ASKED, "The open question is who can ask the city about the fence."),
    (ASKED, "Li's question about the fence is still open."),
    (ASKED, "Nobody has answered Li's question about the fence yet."),
    (ASKED, "Let me bring back the open question about the fence."),
    (ASKED, 'Still open: Li asked "Who can ask the city about the fence this week?"'),
    (ASKED, "Rosa, Greg — you both care about the lot; what does each of you need from it?"),
    (ASKED, "Rosa, you sound frustrated; what would help?"),
    (ASKED, "Greg, are you saying the budget is wrong?"),
    (DECIDING, "Ana proposed splitting the lot between the garden and the playground."),
    (DECIDING, "The proposal to split the lot has support from Bo and Cy."),
    (DECIDING, "You've decided to split the lot, so who takes it forward?"),
    (TAKEN_ON, "Bo will ask the city about the fence."),
    (TAKEN_ON, "Bo is taking the fence question to the city."),
])
async def test_true_claims_about_the_rooms_items_pass(
        store: RoomStore, lines: list[tuple[str, str]], text: str) -> None:
    state = await room_after(store, "true", lines)
    checked = check_words(text, state)
    assert checked.ok, (text, checked.problem)
    assert checked.text == text


@pytest.mark.parametrize(("lines", "text", "problem"), [
    # The two examples: a verdict on two members, and an open question in a room
    # with none open.
    (OPENING + HEATED, "Rosa, Greg, you are both wrong here.", "passes judgement on a member"),
    (OPENING + HEATED, "The open question is who pays for the fence.",
     "calls a question open; the room has none open"),
    (OPENING + HEATED, "Li's question about the fence is still unanswered.",
     "says Li asked something they did not"),
    (ASKED, "The question of the parking garage is still unanswered.",
     "calls open a question that matches none open in the room"),
    (DECIDING, "The proposal to build a parking garage has support.",
     "mentions a proposal that matches none in the room"),
    (OPENING + HEATED, "The proposal to split the lot has support.",
     "mentions a proposal that matches none in the room"),
    (DECIDING, "Li will ask the city about the fence.",
     "says Li took on something the room has no record of"),
    (TAKEN_ON, "Cy is taking the fence question to the city.",
     "says Cy took on something the room has no record of"),
    (TAKEN_ON, "Bo will draft the parking garage contract.",
     "says Bo took on something the room has no record of"),
    # Verdicts, by structure: a member, "you" or what a member said as the subject of an
    # evaluation, asked or stated; a member's better or good contribution.
    (OPENING + HEATED, "Honestly, Rosa is right and Greg is wrong here.",
     "passes judgement on a member"),
    (OPENING + HEATED, "Is Greg right about the families?", "passes judgement on a member"),
    (OPENING + HEATED, "Rosa made a good point about the families.",
     "passes judgement on a member"),
    (OPENING + HEATED, "Greg's argument is stronger; Rosa, what do you need?",
     "passes judgement on a member"),
    (OPENING + HEATED, "Greg, your point about the families is fair; Rosa, what do you think?",
     "passes judgement on a member"),
    (OPENING + HEATED, "Rosa, you are both being so defensive about the garden.",
     "passes judgement on a member"),
])
async def test_claims_the_record_does_not_hold_and_verdicts_are_caught(
        store: RoomStore, lines: list[tuple[str, str]], text: str, problem: str) -> None:
    state = await room_after(store, "false", lines)
    checked = check_words(text, state)
    assert checked.problem == problem, (text, checked.problem)


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
@pytest.mark.parametrize(("lines", "model_text", "why"), [
    (OPENING + HEATED, "Rosa, Greg, you are both wrong here.",
     "model text passes judgement on a member"),
    (OPENING + HEATED, "The open question is who pays for the fence.",
     "model text calls a question open; the room has none open"),
    (ASKED, "Rosa, Greg — let's pause. Li's question is still open: who can ask the city "
            "about the fence this week?", None),
])
async def test_through_the_sdks_words_are_checked_against_the_rooms_record(
        store: RoomStore, kind: str, lines: list[tuple[str, str]], model_text: str,
        why: str | None) -> None:
    """The model words a de-escalation through the real openai or anthropic SDK (only the
    wire faked): a verdict on the members, or an open question the room does not have, gives
    way to the rules' draft; a true claim about the room's open question goes out as written."""
    import json

    import httpx2

    from facilitator.policies.llm.factory import make_provider
    from tests.llm_wire import Wire, anthropic_text, anthropic_tool_use, openai_completion

    choices = iter([{"reason": "heat", "intervention": "deescalate", "to": ["rosa", "greg"]}])
    silence = {"reason": "let them talk", "intervention": "silence", "to": []}

    def server(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        choice = next(choices, silence)
        if kind == "openai":
            return openai_completion(json.dumps(choice) if "response_format" in body
                                     else model_text)
        return (anthropic_tool_use("Assessment", choice) if body.get("tools")
                else anthropic_text(model_text))

    wire = Wire([server] * 40)
    env = {"OPENAI_API_KEY": "sk-test"} if kind == "openai" else {"ANTHROPIC_API_KEY": "k"}
    provider = make_provider(f"{kind}:m", env=env, http_client=wire.client())
    assert provider is not None
    outcomes = await feed(Engine(store, EveryMovePolicy(provider=provider)), "sdk", lines)
    await provider.aclose()
    spoken = [o.decision for o in outcomes if o.decision.speak]  # type: ignore[attr-defined]
    worded = [d for d in spoken if d.intervention == "deescalate"]
    assert worded, [d.reason for d in spoken]
    if why is None:
        assert worded[0].text == model_text and "offline rules" not in worded[0].reason
    else:
        assert model_text not in (worded[0].text or "")
        assert templates([worded[0].text or ""]) == ["deescalate"]
        assert f"offline rules: {why}" in worded[0].reason


# ---- verdicts read by meaning, in any language the embedding reads (issue 23) -----------------

# Written for this test: in none of the verdict reader's labelled lines (checked below). The
# room is a neighbourhood group that writes in four languages (its words are the room's: a
# capitalised German noun is no unknown member).
MIXED = [("li", "Wir müssen heute über den Platz entscheiden; die Bemerkung von gestern lassen wir."),
         ("ana", "O orçamento só cobre um projeto este ano."),
         ("rosa", "Un demi-jardin n'aide personne."),
         ("greg", "Tu club maneja el solar como si fuera privado."),
         ("rosa", "C'est une attaque personnelle, et tu déformes mes propos."),
         ("greg", "Ihr Verein ignoriert jede Familie mit Kindern.")]
VERDICTS_ELSEWHERE = [
    "Greg, tu as complètement tort sur le jardin.",
    "Rosa tiene toda la razón y Greg se equivoca.",
    "Greg, deine Bemerkung über Rosas Verein war wirklich unverschämt.",
    "A Rosa está a ser teimosa e a culpa do atraso é dela.",
    "Rosa, Greg: el argumento de Rosa es mucho más sólido que el tuyo, Greg.",
]
NO_VERDICTS = [
    (MIXED, "Rosa, Greg, vous n'êtes pas d'accord sur le jardin ; que faudrait-il à chacun ?"),
    (MIXED, "Li, möchtest du die Optionen für den Platz noch einmal zusammenfassen?"),
]


@pytest.mark.parametrize("text", VERDICTS_ELSEWHERE)
async def test_a_verdict_in_another_language_is_caught(store: RoomStore, text: str) -> None:
    state = await room_after(store, "elsewhere", MIXED)
    assert check_words(text, state).problem == "passes judgement on a member"


# ---- what the verdict read once refused: go-aheads, task owners, summaries of who said what ----

# Each passes the words check. Before the read by kind, its cues and the go-ahead in the
# structural read, the first was refused (a member or "you" and a word of evaluation), as was
# "Ana is responsible for the fence" (below). Still refused: a disagreement reported in French
# with a member's harsh words in it ("…tandis que Greg pense que le club gère mal le terrain").
NO_LONGER_REFUSED = [
    (DECIDING, "Bo, you're good to go."),
    (DECIDING, "Ana, you're clear to ask the city about the fence."),
    (MIXED, "Resumen: Ana recordó que el presupuesto solo cubre un proyecto y Rosa dijo que un "
            "medio jardín no ayuda a nadie."),
]


@pytest.mark.parametrize(("lines", "text"), NO_VERDICTS + NO_LONGER_REFUSED)
async def test_what_only_looks_like_a_verdict_passes(
        store: RoomStore, lines: list[tuple[str, str]], text: str) -> None:
    state = await room_after(store, "looks", lines)
    checked = check_words(text, state)
    assert checked.ok, (text, checked.problem)


def test_the_test_sentences_are_not_in_the_verdict_readers_labelled_set() -> None:
    import json

    from facilitator.reading.verdicts import DATA_PATH

    labelled = {json.loads(x)["text"].casefold()
                for x in DATA_PATH.read_text(encoding="utf-8").splitlines() if x.strip()}
    ours = VERDICTS_ELSEWHERE + [t for _, t in NO_VERDICTS + NO_LONGER_REFUSED]
    assert not [t for t in ours if t.casefold() in labelled]


async def test_who_owns_a_task_is_no_verdict(store: RoomStore) -> None:
    from facilitator.policies.facts import _judges

    state = await room_after(store, "owner", DECIDING)
    assert not _judges("Ana is responsible for the fence.", state, ("facilitator",))
    assert not _judges("Bo, you're good to go.", state, ("facilitator",))


@pytest.mark.parametrize("text", ["Ana tiene razón y Rosa se equivoca.",
                                  "Rosa, Greg, honestly Greg is wrong and Rosa is right.",
                                  "Greg, you are to blame for the delay."])
async def test_who_is_right_or_to_blame_is_still_refused(store: RoomStore, text: str) -> None:
    state = await room_after(store, "sides", MIXED)
    assert check_words(text, state).problem == "passes judgement on a member"


# ---- claims read by meaning outside English (issue 23) -----------------------------------------

# A neighbourhood group deciding on its lot in Spanish: one question open, nothing decided.
SOLAR = [("li", "Hoy tenemos que decidir qué hacemos con el solar."),
         ("ana", "El presupuesto solo cubre un proyecto este año."),
         ("li", "¿Quién puede preguntar a la ciudad por la valla esta semana?"),
         ("rosa", "Yo quiero el huerto comunitario, lo necesitamos."),
         ("greg", "Y las familias con niños necesitan el parque.")]


@pytest.mark.parametrize(("text", "problem"), [
    ("El grupo decidió dividir el solar entre el huerto y el parque.",
     "claims a decision the room has not made"),
    ("Ana se encargará de pedir el presupuesto a la ciudad.",
     "says a member took on something the room has no record of"),
    ("Die Gruppe hat beschlossen, das Grundstück zwischen Garten und Spielplatz aufzuteilen.",
     "claims a decision the room has not made"),
])
async def test_a_claim_in_another_language_the_record_does_not_hold_is_caught(
        store: RoomStore, text: str, problem: str) -> None:
    state = await room_after(store, "solar", SOLAR)
    assert check_words(text, state).problem == problem


@pytest.mark.parametrize("text", [
    "Nadie ha respondido todavía quién puede preguntar a la ciudad por la valla.",
    "Rosa, Greg, ¿qué necesita cada uno del solar?",
])
async def test_a_true_claim_or_none_in_another_language_passes(store: RoomStore, text: str) -> None:
    state = await room_after(store, "solar", SOLAR)
    checked = check_words(text, state)
    assert checked.ok, (text, checked.problem)
