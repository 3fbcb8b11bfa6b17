"""Signing screens: the pad, the signing dialog with hand-over mode, the locked-record
banner, the amendment comparison and Verify integrity.

Other screens open signing with `open_signing(parent, bridge, record_type, record_id)`.
"""
from __future__ import annotations


def open_signing(parent, bridge, record_type: str, record_id: str, on_signed=None):
    """Open the signing dialog (window-modal, never blocking); returns it."""
    from ui.signing.signing_dialog import SigningDialog
    dialog = SigningDialog(parent, bridge, record_type, record_id)
    if on_signed is not None:
        dialog.signed.connect(on_signed)
    dialog.open()
    return dialog


def open_verify(parent, bridge):
    from ui.signing.verify_dialog import VerifyDialog
    dialog = VerifyDialog(parent, bridge)
    dialog.open()
    return dialog


def open_page_check(parent, bridge):
    from ui.signing.page_check_dialog import PageCheckDialog
    dialog = PageCheckDialog(parent, bridge)
    dialog.open()
    return dialog


def open_amendment_comparison(parent, bridge, amended_id: str, record_type: str = "evidence_record"):
    from ui.signing.amendment_view import AmendmentComparisonDialog
    dialog = AmendmentComparisonDialog(parent, bridge, amended_id, record_type)
    dialog.open()
    return dialog
