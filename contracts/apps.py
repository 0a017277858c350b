from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from contracts import panels, pdf
        from contracts.demo import seed_rosters, seed_subcontracts, seed_training, seed_worksites
        from core.demo import register_seeder

        panels.register()
        from contracts import events
        from core.navigation import register_nav_item

        events.register()
        from contracts.selectors import facts

        # What the clauses' applies_if may test (its flags, a dispatch worker on the roster).
        facts.register()
        register_nav_item(
            "contracts",
            _("Contracts"),
            "contracts:contract_list",
            order=20,
            current={"contracts:contract_detail"},
            visible=lambda ctx: ctx.is_member,
        )
        register_nav_item(
            "subcontracts",
            _("Subcontracts"),
            "contracts:subcontract_list",
            order=21,
            current={"contracts:subcontract"},
            visible=lambda ctx: ctx.is_member,
        )
        # Roster and work-site changes, training plans and reports, subcontracts (core.approvables).
        panels.register_approvables()
        from contracts.selectors.contracts import exclude_closed_contracts
        from core.approvables import register_open_contracts_filter

        # A closed contract's pending requests leave the approvers' and submitters' home pages.
        register_open_contracts_filter(exclude_closed_contracts)
        from contracts.selectors.events import contract_event_scope
        from core.selectors import register_contract_event_scope

        register_contract_event_scope(contract_event_scope)
        from contracts.selectors import describers

        # The audit trail names contracts and people by title and name, not "contracts.person:17".
        from core.describers import register_detail_values, register_object_describer

        # The training pages record which page showed the names (training.viewed's "page").
        register_detail_values("page", describers.TRAINING_PAGES)
        from core.files import register_purpose_labels

        register_purpose_labels(
            {
                "pledge": _("Pledges"),
                "roster": _("Roster submissions"),
                "subcontract": _("Subcontract applications"),
                "worksite": _("Work-site applications"),
            }
        )
        register_object_describer("contracts.contract", describers.describe_contracts)
        register_object_describer("contracts.person", describers.describe_people)
        register_object_describer("contracts.subcontract", describers.describe_subcontracts)
        register_object_describer("contracts.worksitechange", describers.describe_worksite_changes)
        pdf.register()
        from clauses.api import register_condition_checker
        from contracts.selectors.roster import roster_fields_missing, roster_roles_missing

        # The clauses' conditions on roster evidence (001 §6 a 管理責任者, §7 所属 and period).
        register_condition_checker("roster_roles", roster_roles_missing)
        register_condition_checker("roster_fields", roster_fields_missing)
        register_seeder(seed_rosters, order=20)
        register_seeder(seed_worksites, order=22)
        register_seeder(seed_training, order=24)
        register_seeder(seed_subcontracts, order=30)
