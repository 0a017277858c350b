"""The test-only approvable's registration with core's kit (core.approvables), as a domain app
registers its own: a policy, the two scoping filters, a title, a page and where it belongs.
Its stand-in for a contract is `contract_id`, which these tests set to an organisation's id."""

from core.approvables import Where, register_approvable
from core.approvals import ApprovalPolicy
from core.models import Role
from tests.approvals_app.models import Application


def policy(membership) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix="application",
        can_submit=lambda actor, obj: bool(
            membership
            and membership.role == Role.CONTRACTOR_ADMIN
            and membership.organisation_id == obj.contract_id
        ),
        can_decide=lambda actor, obj: bool(
            membership and membership.is_client_side and membership.organisation_id == obj.contract_id
        ),
        title=lambda obj: f"申請「{obj.title}」",
    )


def _own(user, membership, qs):
    return qs.filter(contract_id=membership.organisation_id) if membership else qs.none()


def register() -> None:
    register_approvable(
        model=Application,
        event_prefix="application",
        policy=policy,
        decidable=lambda user, membership, qs: (
            _own(user, membership, qs) if membership and membership.is_client_side else qs.none()
        ),
        returned=_own,
        title=lambda obj: f"申請「{obj.title}」 #{obj.number}",
        url=lambda obj: f"/approvals-test/{obj.pk}/",
        where=lambda obj: Where(f"試験{obj.contract_id}", "/approvals-test/", "試験の相手方"),
    )
