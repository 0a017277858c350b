from django.http import Http404

from contracts.models import Contract
from contracts.selectors.contracts import contracts_visible_to


def get_contract_or_404(request, pk: int) -> Contract:
    contract = contracts_visible_to(request.user, request.membership).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def get_roster_change_or_404(request, pk: int):
    from contracts.models import RosterChange

    change = RosterChange.objects.select_related("contract", "submitted_pdf").filter(pk=pk).first()
    if (
        change is None
        or not contracts_visible_to(request.user, request.membership).filter(pk=change.contract_id).exists()
    ):
        raise Http404
    return change


def get_person_or_404(request, pk: int):
    from contracts.models import Person
    from contracts.selectors.subcontracts import person_visible_to

    person = Person.objects.select_related("contract", "contract__clause_template").filter(pk=pk).first()
    # A full party of the contract sees everyone; a subcontractor only its own chain's people.
    if person is None or not person_visible_to(request.user, request.membership, person):
        raise Http404
    return person
