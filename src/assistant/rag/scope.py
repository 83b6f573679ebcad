"""The assistant's domain: words that mark a question as being about family-welfare programs.

A question that mentions none of them (gold prices, football, a presidential quiz) must clear a
higher grounding bar before the assistant answers: lexical overlap with the guidelines alone
("harga emas" vs. a PROPER "peringkat emas") is not enough evidence that it is in scope.
"""

from __future__ import annotations

import re

from assistant.rag.text import normalize

DOMAIN_RE = re.compile(
    r"\b(?:pkh|bansos|bantuan|kks|kpm|dtsen|dtks|desil|stunting|krs|posyandu|puskesmas|lansia|lanjut usia|tamasya"
    r"|daycare|day care|penitipan|tpa|sembako|bpnt|pip|kip|pbi|bpjs|jkn|pendamping|cair|pencairan|tahap"
    r"|hamil|balita|bayi|anak|sekolah|disabilitas|bkl|atensi|genting|elsimil|catin|kemensos|bkkbn|kemendukbangga"
    r"|graduasi|p2k2|himbara|kartu|penipuan|hoaks|hoax|desa|kelurahan|dinsos|dinas sosial|syarat|daftar"
    r"|nik|ktp|kk|kartu keluarga|dukcapil|domisili|sidaya|perpres|inpres|kemenkes|hpk|tpk|kader|gizi|nikah|catin"
    r"|pengasuh|nifas|kehamilan|keluarga|kpai|tara|permensos|aslut|rehabilitasi|sanggah|usul|kuota|kemendikbud)\w*"
)


def mentions_domain(text: str) -> bool:
    """True when the (raw) text names a program, a target group or a channel of the domain."""
    return bool(DOMAIN_RE.search(normalize(text)))
