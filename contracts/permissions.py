from core.models import Membership, Role


def can_create_contract(user, membership: Membership | None) -> bool:
    """Public-body staff register contracts; a contractor's manager may propose one, which the
    public body confirms by activating it."""
    return bool(
        membership and membership.role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.CONTRACTOR_ADMIN)
    )


def can_manage_contract(user, membership: Membership | None, contract) -> bool:
    """Public-body administrators, and staff of the contract's department (or whole-body staff)."""
    if user.is_superuser:
        return True
    if membership is None or membership.organisation_id != contract.public_body_id:
        return False
    if membership.role == Role.CLIENT_ADMIN:
        return True
    return membership.role == Role.CLIENT_STAFF and (
        membership.department_id is None or membership.department_id == contract.department_id
    )


def can_close_contract(user, membership: Membership | None, contract) -> bool:
    """The public body's managers of the contract close it (and have its erasure certified): a
    site administrator, who manages everything, does not decide a body's disposal."""
    return can_manage_contract(user, membership, contract) and not user.is_superuser


def can_read_erasure_certificate(user, membership: Membership | None, contract) -> bool:
    """The public body's managers and its auditors read a closed contract's erasure certificates
    (the caller has checked that the contract is visible)."""
    if can_close_contract(user, membership, contract):
        return True
    return bool(
        membership
        and membership.role == Role.AUDITOR
        and membership.organisation_id == contract.public_body_id
    )


def can_edit_roster(user, membership: Membership | None, contract) -> bool:
    """The contractor's manager builds the roster and its changes."""
    return bool(
        membership
        and membership.role == Role.CONTRACTOR_ADMIN
        and membership.organisation_id == contract.contractor_id
    )


def can_decide_roster(user, membership: Membership | None, contract) -> bool:
    return can_manage_contract(user, membership, contract) and not user.is_superuser


# --- work sites (作業場所) and training (教育): the same people as the roster's -----------------------


def can_edit_worksites(user, membership: Membership | None, contract) -> bool:
    """The contractor's manager declares the work sites and storage places and their changes."""
    return can_edit_roster(user, membership, contract)


def can_decide_worksites(user, membership: Membership | None, contract) -> bool:
    """The public body's managers of the contract approve the work sites in advance."""
    return can_decide_roster(user, membership, contract)


def can_record_training(user, membership: Membership | None, contract) -> bool:
    """The contractor's manager records sessions and attendance, drafts and submits plan and report."""
    return can_edit_roster(user, membership, contract)


def can_decide_training(user, membership: Membership | None, contract) -> bool:
    """The public body's managers of the contract approve the plan and accept the report."""
    return can_decide_roster(user, membership, contract)


def can_download_pledge(user, membership: Membership | None, contract) -> bool:
    """Signed pledges: the contractor's manager and the public body's side; not every worker."""
    if user.is_superuser:
        return True
    # Callers have checked that the person is visible (a subcontractor's manager sees only its
    # own chain's people): workers of any contractor never download others' pledges.
    return bool(membership) and membership.role != Role.CONTRACTOR_STAFF


# --- subcontracts (再委託) ------------------------------------------------------------------------


def can_apply_subcontract(user, membership: Membership | None, contract, parent=None) -> bool:
    """The entrusting party's manager applies: the contractor for 再委託, and the holder of an
    approved link for the next tier (再々委託…)."""
    if not membership or membership.role != Role.CONTRACTOR_ADMIN:
        return False
    if parent is None:
        return membership.organisation_id == contract.contractor_id
    return (
        parent.approval_state == "approved"
        and parent.ended_on is None  # nothing is entrusted under a link that has ended
        and membership.organisation_id == parent.subcontractor_id
    )


def can_edit_subcontract(user, membership: Membership | None, subcontract) -> bool:
    return bool(
        membership
        and membership.role == Role.CONTRACTOR_ADMIN
        and membership.organisation_id == subcontract.upstream_id
    )


def can_decide_subcontract(user, membership: Membership | None, subcontract) -> bool:
    """Every tier is approved by the public body (001 §15.3(1)), never by an upstream party."""
    return can_decide_roster(user, membership, subcontract.contract)


def can_end_subcontract(user, membership: Membership | None, subcontract) -> bool:
    """An approved link is ended (解除, 期間満了) by the party that entrusted the work — its
    managers — or by the public body's managers of the contract, who approved it."""
    if membership is None or user.is_superuser:
        return False
    return can_edit_subcontract(user, membership, subcontract) or can_decide_roster(
        user, membership, subcontract.contract
    )


def can_upload_pledge(user, membership: Membership | None, person) -> bool:
    """The contractor's manager, or the manager of an approved subcontractor for its own workers
    (it holds their signed pledges)."""
    contract = person.contract
    if can_edit_roster(user, membership, contract):
        return True
    from contracts.models import Subcontract

    return bool(
        membership
        and membership.role == Role.CONTRACTOR_ADMIN
        and person.employer_id == membership.organisation_id
        and Subcontract.objects.filter(
            contract=contract,
            subcontractor_id=membership.organisation_id,
            approval_state="approved",
            ended_on__isnull=True,
        ).exists()
    )
