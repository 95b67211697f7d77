"""``okr sync``: read each key result's metric source and check the values in.

:mod:`okrcli.sync.secrets` expands ``${env:NAME}`` and scrubs what it expanded from every
message; :mod:`okrcli.sync.check` holds the static checks lint and sync share; one module per
kind of source fetches (:mod:`~okrcli.sync.sql`, :mod:`~okrcli.sync.web`,
:mod:`~okrcli.sync.csvfile`, :mod:`~okrcli.sync.command`); :mod:`okrcli.sync.service` runs
them in parallel and writes through :mod:`okrcli.edit.checkin`.
"""
