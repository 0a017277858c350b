"""The contracts app's PDF forms (contexts and their registration with core.pdf's engine), one
module per sub-domain; register() is called from ContractsConfig.ready()."""


def register() -> None:
    from contracts.pdf import erasure, pledges, roster, subcontracts, training, worksites

    for module in (roster, pledges, worksites, training, subcontracts, erasure):
        module.register()
