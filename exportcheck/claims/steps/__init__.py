"""One module per step of the decision procedure in ``shared/DOMAIN.md``.

Each module has ``run(claim, ctx) -> Step``: it asks one question, answers it from the lists held
(the matcher through :mod:`exportcheck.claims.screening`, the control lists through
:mod:`exportcheck.claims.controls`) and the dated rules in
:mod:`exportcheck.claims.rules`, and gives the step its own status and evidence. Step 7 (the
verdict) is :mod:`exportcheck.claims.engine`, which combines the steps per claim kind.
"""
