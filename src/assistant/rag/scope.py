"""The assistant's domain: words that mark a question as being about family-welfare programs.

Two strengths of evidence. ``names_program``: the question names a program, an agency or a data
system of the domain (PKH, DTSEN, KKS, Tamasya, Kemensos ...); such a question is in scope even
when it is worded so informally that few of its words appear in the guidelines. ``mentions_domain``:
it at least mentions a target group, a channel or a general welfare word (anak, hamil, syarat,
desa ...); those words also occur in questions about other services (school homework, a bank loan,
a private insurance claim), so they only lower the bar, and a question that mentions none of them
(gold prices, football, a presidential quiz) must clear a higher grounding bar before it is answered.
"""

from __future__ import annotations

import re

from assistant.rag.text import normalize

# Proper names of the programs, agencies, data systems and payment channels the guidelines cover.
PROGRAM_RE = re.compile(
    r"\b(?:pkh|bansos|kks|kpm|dtsen|dtks|desil|stunting|krs|posyandu|tamasya|daycare|day care|sembako|bpnt"
    r"|pip|kip|pbi|jkn|bpjs kesehatan|bkl|atensi|genting|elsimil|sidaya|kemensos|bkkbn|kemendukbangga|p2k2"
    r"|himbara|dinsos|dinas sosial|graduasi|aslut|tpk|hpk|sekolah lansia|cek bansos|bantuan sosial"
    r"|pendamping pkh|keluarga harapan|kesejahteraan sosial|perlinsos|nik|ktp|dukcapil|kartu keluarga|lansia|balita"
    r"|ibu hamil|disabilitas)\w*"
)
DOMAIN_RE = re.compile(
    r"\b(?:pkh|bansos|bantuan|kks|kpm|dtsen|dtks|desil|stunting|krs|posyandu|puskesmas|lansia|lanjut usia|tamasya"
    r"|daycare|day care|penitipan|tpa|sembako|bpnt|pip|kip|pbi|bpjs|jkn|pendamping|cair|pencairan|tahap"
    r"|hamil|balita|bayi|anak|sekolah|disabilitas|bkl|atensi|genting|elsimil|catin|kemensos|bkkbn|kemendukbangga"
    r"|graduasi|p2k2|himbara|kartu|penipuan|hoaks|hoax|desa|kelurahan|dinsos|dinas sosial|syarat|daftar"
    r"|nik|ktp|kk|kartu keluarga|dukcapil|domisili|sidaya|perpres|inpres|permensos|kemenkes|hpk|tpk|kader|gizi"
    r"|nikah|pengasuh|nifas|kehamilan|keluarga|rehabilitasi|sanggah|usul|kuota)\w*"
)


def mentions_domain(text: str) -> bool:
    """True when the (raw) text names a program, a target group or a channel of the domain."""
    return bool(DOMAIN_RE.search(normalize(text)))


def names_program(text: str) -> bool:
    """True when the (raw) text names a program, agency or data system of the domain."""
    return bool(PROGRAM_RE.search(normalize(text)))
