"""Reads of duties and compliance status, set-based (no per-duty queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from clauses.models import Article, Obligation
from compliance.models import Adoption, Duty
from core.models import Membership

DUE_SOON_DAYS = 7


def today() -> date:
    return timezone.localdate()


def status_filters(on: date | None = None) -> dict[str, Q]:
    on = on or today()
    soon = on + timedelta(days=DUE_SOON_DAYS)
    open_ = Q(state=Duty.State.OPEN)
    return {
        "overdue": open_ & Q(due_date__lt=on),
        "due_soon": open_ & Q(due_date__gte=on, due_date__lte=soon),
        "upcoming": open_ & (Q(due_date__gt=soon) | Q(due_date__isnull=True)),
        "fulfilled": Q(state=Duty.State.FULFILLED),
        "on_time": Q(state=Duty.State.FULFILLED, on_time=True),
        "waived": Q(state=Duty.State.WAIVED),
    }


def duty_status(duty: Duty, on: date | None = None) -> str:
    on = on or today()
    if duty.state != Duty.State.OPEN:
        return duty.state
    if duty.due_date is None:
        # A standing measure the clauses give no date (常時): never overdue, never "upcoming".
        # The counts (status_filters) keep it with the open duties not yet due.
        return "standing"
    if duty.due_date > on + timedelta(days=DUE_SOON_DAYS):
        return "upcoming"
    return "overdue" if duty.due_date < on else "due_soon"


@dataclass(frozen=True)
class Status:
    overdue: int = 0
    due_soon: int = 0
    upcoming: int = 0
    fulfilled: int = 0
    on_time: int = 0
    waived: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.upcoming + self.fulfilled + self.waived

    @property
    def rate_base(self) -> int:
        """The duties the on-time rate is taken over: every fulfilled duty (late ones included)
        and every open duty whose due date has passed. Waived duties and open duties not yet due
        are left out: nothing was owed on them yet."""
        return self.fulfilled + self.overdue

    @property
    def on_time_percent(self) -> int | None:
        """期限内履行率 = fulfilled on time / (fulfilled + overdue), in whole percent.

        Overdue duties count against the rate (a rate of fulfilled duties only would read 100%
        next to seven overdue ones). None when nothing was due yet: 0% or 100% would both mislead.
        Rounded down, so that 100% means every duty due was done on time (199 of 200 is 99%)."""
        base = self.rate_base
        return 100 * self.on_time // base if base else None


def _aggregates(on: date | None) -> dict:
    return {name: Count("pk", filter=q) for name, q in status_filters(on).items()}


def status_by_contract(contract_ids, on: date | None = None) -> dict[int, Status]:
    """Counts by status for many contracts in one query."""
    rows = Duty.objects.filter(contract_id__in=contract_ids).values("contract_id").annotate(**_aggregates(on))
    return {row.pop("contract_id"): Status(**row) for row in rows}


def status_total(contracts: QuerySet, on: date | None = None) -> Status:
    return Status(**Duty.objects.filter(contract__in=contracts).aggregate(**_aggregates(on)))


def duties_of_contract(contract) -> list[Duty]:
    """Every duty of the contract with just what its page shows, in one query.

    The page groups them under their obligations (read once, by obligations_of_contract), so the
    obligation is not joined per duty; of the evidence only its kind, time and actor are read
    (its data and hashes are not decoded 500 times), and of people only their names."""
    return list(
        Duty.objects.filter(contract=contract)
        .select_related("evidence_event__actor", "waived_by")
        .only(
            "pk",
            "contract_id",
            "obligation_id",
            "subject",
            "cycle",
            "state",
            "due_date",
            "on_time",
            "waived_reason",
            "evidence_event__kind",
            "evidence_event__occurred_at",
            "evidence_event__actor__full_name",
            "evidence_event__actor__email",
            "waived_by__full_name",
            "waived_by__email",
        )
        .order_by("obligation_id", "subject", "cycle")
    )


def duties_of_subject(contract_id: int, subject: str) -> QuerySet[Duty]:
    """The duties about one object of the contract (a subcontract's: its yearly check, its return
    or disposal at its end), open ones first, with their obligations' articles: one query."""
    return (
        Duty.objects.filter(contract_id=contract_id, subject=subject)
        .select_related("obligation", "obligation__article")
        .order_by(Case(When(state=Duty.State.OPEN, then=Value(0)), default=Value(1)), "due_date", "pk")
    )


def duties_of_subjects(contract_id: int, subjects: list[str]) -> QuerySet[Duty]:
    """The duties about a few objects of the contract (an incident and its APPI clock), open
    ones first, then by due date, with their obligations' articles and templates: one query."""
    return (
        Duty.objects.filter(contract_id=contract_id, subject__in=subjects)
        .select_related("obligation", "obligation__article", "obligation__template")
        .order_by(Case(When(state=Duty.State.OPEN, then=Value(0)), default=Value(1)), "due_date", "pk")
    )


def _of_adopted_templates(contract) -> Q:
    """The rows of every template the contract runs under: those it adopted (a draft adopts its
    clauses and further templates when created, activation adds the statutory ones) and its
    chosen clauses (a draft registered before drafts adopted anything). One subquery, no join:
    a join through adoptions would repeat the rows of a template every other contract adopts."""
    adopted = Adoption.objects.filter(contract=contract).values("template_id")
    return Q(template_id__in=adopted) | Q(template_id=contract.clause_template_id)


def _template_order(contract) -> Case:
    # The contract's own clauses first, then the further templates it adopted, statutory last.
    return Case(
        When(template_id=contract.clause_template_id, then=Value(0)),
        When(template__statutory=True, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def articles_of_contract(contract) -> QuerySet[Article]:
    """Every article the contract runs under, informational ones included, in the order of
    obligations_of_contract: template by template (its own clauses, further templates, statutory
    last), each in document order."""
    return (
        Article.objects.filter(_of_adopted_templates(contract))
        .select_related("template")
        .defer("template__content")
        .order_by(_template_order(contract), "template_id", "position")
    )


def overdue_duties(contracts: QuerySet, on: date | None = None) -> QuerySet[Duty]:
    return (
        Duty.objects.filter(status_filters(on)["overdue"], contract__in=contracts)
        .select_related("contract", "contract__contractor", "obligation", "obligation__article")
        .order_by("due_date", "pk")
    )


# The obligations a side's lists show: the contractor answers for its subcontractors (001 §16,
# 003 §6.3), so their duties are on its lists with its own.
SIDE_ACTORS = {"contractor": ("contractor", "subcontractor"), "client": ("client",)}


def open_duties_for(contracts: QuerySet, *, actor: str | None = None) -> QuerySet[Duty]:
    qs = Duty.objects.filter(contract__in=contracts, state=Duty.State.OPEN)
    if actor:
        qs = qs.filter(obligation__actor__in=SIDE_ACTORS.get(actor, (actor,)))
    return qs.select_related("contract", "obligation", "obligation__article").order_by("due_date", "pk")


def obligations_of_contract(contract) -> QuerySet[Obligation]:
    """The obligations a contract's page lists: of every template it runs under, in the order of
    articles_of_contract. Their articles come from articles_of_contract (one query), not joined
    here with their template's stored source."""
    return Obligation.objects.filter(_of_adopted_templates(contract)).order_by(
        _template_order(contract), "template_id", "position"
    )


def calendar_membership(user) -> Membership | None:
    """The membership a calendar feed speaks for: the person's first active one (a feed has no
    session to choose another)."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def requestable_obligations(contract) -> QuerySet[Obligation]:
    """What the contract's clauses let the public body ask for (trigger on_request)."""
    return Obligation.objects.filter(template__adoptions__contract=contract, trigger="on_request").order_by(
        "position"
    )


def describe_duties(ids: list[str]) -> dict[str, str]:
    """Titles of duties for the audit trail (core.describers): the article and the obligation's
    summary, "第5条 再委託の承認を受ける", for many ids in one query."""
    pks = [int(i) for i in ids if str(i).isdigit()]
    rows = Duty.objects.filter(pk__in=pks).values_list(
        "pk", "obligation__article__number", "obligation__summary"
    )
    return {str(pk): f"第{number}条 {summary}" for pk, number, summary in rows}
