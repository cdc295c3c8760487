"""What the web pages and the API read and record, by concept (kept as one import point).

`web_registrations` (records, identities), `web_uploads` (batches and uploads),
`web_quarantine` (open entries paged, filtered, grouped), `web_counts` (dashboard).
"""

from zicht.store.web_counts import data_version, record_counts
from zicht.store.web_quarantine import (
    QuarantineEntry,
    QuarantineFilter,
    QuarantinePage,
    open_quarantine,
    quarantine_entry,
    quarantine_page,
)
from zicht.store.web_registrations import (
    PAGE_SIZE,
    RegistrationQuery,
    count_registrations,
    get_registration,
    identity_tokens,
    list_registrations,
    registration_page,
    years,
)
from zicht.store.web_uploads import (
    Batch,
    BatchProblem,
    Delivery,
    get_batch,
    recent_deliveries,
    record_upload,
    upload_mapping,
)

__all__ = [
    "PAGE_SIZE",
    "Batch",
    "BatchProblem",
    "Delivery",
    "QuarantineEntry",
    "QuarantineFilter",
    "QuarantinePage",
    "RegistrationQuery",
    "count_registrations",
    "data_version",
    "get_batch",
    "get_registration",
    "identity_tokens",
    "list_registrations",
    "open_quarantine",
    "quarantine_entry",
    "quarantine_page",
    "recent_deliveries",
    "record_counts",
    "record_upload",
    "registration_page",
    "upload_mapping",
    "years",
]
