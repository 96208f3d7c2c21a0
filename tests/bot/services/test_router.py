"""The complaint router on the shipped OPD file, with Deli Serdang-style complaints written
for these tests (never copied from an evaluation file)."""

from __future__ import annotations

import time

import pytest

from bot.services.knowledge import LiveKnowledge
from bot.services.router import CONFIDENT_SCORE, Route, Router

# The shipped OPD file's routing policy (`triage` and `per_kecamatan` in data/opd.yaml).
TRIAGE_OPD = "kominfostan"
KECAMATAN_OPD = "kecamatan"


@pytest.fixture(scope="module")
def router(shipped_knowledge: LiveKnowledge) -> Router:
    return shipped_knowledge.assistant.router


@pytest.mark.parametrize(
    ("text", "opd"),
    [
        # SDABMBK: roads, bridges, drains
        ("Jalan di Dusun III rusak parah, banyak lubang, kalau hujan jadi kubangan", "sdabmbk"),
        ("aspal jalan menuju pajak sudah mengelupas semua, kereta sering jatuh", "sdabmbk"),
        ("Jembatan kayu penghubung dua dusun sudah lapuk dan hampir putus", "sdabmbk"),
        ("parit di pinggir jalan besar tersumbat, tiap hujan air naik ke badan jalan", "sdabmbk"),
        ("gorong gorong di simpang kampung mampet, air meluap ke rumah warga", "sdabmbk"),
        ("tolong diperbaiki jalan yg rusak di dusun 2, sudah bertahun tahun", "sdabmbk"),
        # Dishub: street lights, traffic lights, signs, parking, public transport
        ("Lampu jalan di gang kami sudah seminggu padam, gelap gulita kalau malam", "dishub"),
        ("Lampu merah di simpang empat mati dari kemarin, kendaraan jadi semrawut", "dishub"),
        ("rambu lalu lintas di tikungan tajam sudah roboh, tolong dipasang lagi", "dishub"),
        ("tukang parkir liar di depan minimarket minta 5 ribu, tidak ada karcis", "dishub"),
        ("Angkot sering ngetem sembarangan di simpang, bikin macet panjang", "dishub"),
        ("marka jalan sudah pudar tidak kelihatan lagi", "dishub"),
        ("Lampu PJU di jalan utama desa mati total", "dishub"),
        # Satpol PP: public order
        ("Banyak PKL berjualan di trotoar depan pajak, pejalan kaki turun ke jalan", "satpolpp"),
        ("Ada bangunan liar berdiri di atas parit di pinggir jalan", "satpolpp"),
        ("Pengamen dan anak punk sering mangkal di simpang, meresahkan pengendara", "satpolpp"),
        ("Tempat hiburan malam di desa kami buka sampai subuh, musiknya keras sekali", "satpolpp"),
        ("Warung tuak jadi tempat mabuk tiap malam, sering ada keributan", "satpolpp"),
        ("keyboard bongkar di pesta tetangga sampai subuh, berisik kali", "satpolpp"),
        ("tolong tertibkan spanduk liar yang menutupi pandangan di simpang", "satpolpp"),
        # Disdukcapil: identity documents, including questions about them
        ("KTP saya belum jadi sudah 3 bulan, katanya blangko habis", "disdukcapil"),
        ("kapan KTP saya jadi?", "disdukcapil"),
        ("KK saya salah nama, mau diperbaiki ke mana?", "disdukcapil"),
        ("udah 2 bulan ngurus akte lahir anak belum siap siap", "disdukcapil"),
        ("Pelayanan akta kelahiran di dukcapil lambat sekali, antre dari pagi", "disdukcapil"),
        # Other OPDs and referral bodies
        ("Sampah di TPS desa tidak diangkut seminggu, bau busuk sampai ke rumah", "dlh"),
        ("pabrik sawit buang limbah ke sungai, ikan pada mati", "dlh"),
        ("Puskesmas tutup jam 11 padahal jadwalnya sampai jam 2", "dinkes"),
        ("Banyak yang kena demam berdarah, mohon fogging di dusun kami", "dinkes"),
        ("Sekolah SD negeri di desa kami atapnya bocor dan ruang kelas rusak", "disdik"),
        ("sekolah minta uang komite 500 ribu per siswa, katanya wajib", "disdik"),
        ("ada pungli waktu urus berkas di kantor, disuruh bayar uang pelicin", "inspektorat"),
        ("Kepala desa kami diduga menyelewengkan dana desa", "inspektorat"),
        ("ada kasus pelecehan seksual terhadap murid perempuan", "dp3ap2kb"),
        ("anak tetangga sering dianiaya, ini kekerasan terhadap anak", "dp3ap2kb"),
        ("Banjir setinggi lutut merendam rumah warga sejak tadi malam", "bpbd"),
        ("angin puting beliung merusak atap puluhan rumah", "bpbd"),
        ("Ada kebakaran rumah di gang kami, butuh mobil pemadam", "damkar"),
        ("ada sarang tawon besar di atap rumah, anak-anak takut", "damkar"),
        ("Listrik padam sudah 6 jam di desa kami, PLN tidak ada kabar", "pln"),
        ("Token listrik sudah diisi tapi meteran tetap tidak menyala", "pln"),
        ("Air PDAM mati sudah 3 hari dan kalau keluar keruh", "pdam"),
        ("pipa PDAM bocor di pinggir jalan, air terbuang percuma", "pdam"),
    ],
)
def test_complaints_reach_the_opd_that_acts(router: Router, text: str, opd: str) -> None:
    route = router.route(text)
    assert route.destination == opd, route
    assert route.confident and route.basis == "text"


def test_vague_text_goes_to_triage(router: Router) -> None:
    route = router.route("tolong diperhatikan pak")
    assert route.opd is None and not route.confident
    assert route.destination == TRIAGE_OPD


def test_a_street_address_alone_is_no_evidence(router: Router) -> None:
    # "jalan" is in nearly every address; "jalan kabupaten" must not make it a keyword.
    route = router.route("saya tinggal di jalan kabupaten dekat simpang, mohon tindak lanjut")
    assert route.destination == TRIAGE_OPD


def test_words_far_apart_do_not_form_a_keyword(router: Router) -> None:
    # "jalan" (address) and "merusak" (about the banners) are not a "jalan rusak".
    text = (
        "Baliho dan spanduk liar dipasang di sepanjang jalan lintas dekat kantor desa, "
        "sudah berminggu-minggu dan sangat merusak pemandangan"
    )
    assert router.route(text).destination == "satpolpp"


def test_a_street_light_is_not_a_power_cut(router: Router) -> None:
    assert router.route("lampu pju di gang kami mati lampu total").destination == "dishub"
    assert router.route("mati lampu di rumah sejak pagi, token masih ada").destination == "pln"


def test_the_lead_subject_wins_over_a_landmark(router: Router) -> None:
    route = router.route("Jalan amblas di dekat sekolah, takut ada yang terperosok")
    assert route.destination == "sdabmbk"
    assert "disdik" in [opd for opd, _ in route.alternatives]


def test_a_complaint_about_two_things_names_the_other_as_alternative(router: Router) -> None:
    route = router.route("Banyak PKL jualan di trotoar, parkir liar juga bikin macet")
    assert {route.opd, route.alternatives[0][0]} == {"satpolpp", "dishub"}


# -- category prior ------------------------------------------------------------------
def test_category_alone_decides_a_vague_text(router: Router) -> None:
    route = router.route("sudah berbulan-bulan tidak ada tindakan", category_opd="dlh")
    assert route.destination == "dlh" and route.confident and route.basis == "category"


def test_category_outweighs_one_bare_word_for_another_opd(router: Router) -> None:
    # Chose "Parit, saluran air": the rubbish is in the drain, the drain is the matter.
    route = router.route("sampah", category_opd="sdabmbk")
    assert route.destination == "sdabmbk"
    assert route.alternatives[0][0] == "dlh"


def test_clear_text_for_another_opd_beats_the_category(router: Router) -> None:
    route = router.route(
        "lampu jalan di depan gang mati, gelap gulita kalau malam", category_opd="sdabmbk"
    )
    assert route.destination == "dishub" and route.basis == "text"
    assert "sdabmbk" in [opd for opd, _ in route.alternatives]
    route = router.route("jalan di depan rumah rusak parah dan berlubang", category_opd="dlh")
    assert route.destination == "sdabmbk"


def test_category_agreeing_with_the_text_makes_it_surer(router: Router) -> None:
    text = "sampah menumpuk di parit sampai air meluap"
    plain = router.route(text)
    with_category = router.route(text, category_opd="sdabmbk")
    assert with_category.destination == "sdabmbk"
    assert with_category.score >= plain.score or plain.opd != "sdabmbk"


def test_unknown_category_owner_is_ignored(router: Router) -> None:
    assert router.route("tolong diperhatikan pak", category_opd="").destination == TRIAGE_OPD
    assert router.route("tolong diperhatikan pak", category_opd="entah").destination == (TRIAGE_OPD)


# -- kecamatan fallback ----------------------------------------------------------------
def test_vague_text_with_a_known_kecamatan_goes_to_the_kecamatan(router: Router) -> None:
    route = router.route("tolong diperhatikan pak", kecamatan="Percut Sei Tuan")
    assert route.opd == KECAMATAN_OPD and route.destination == KECAMATAN_OPD
    assert route.confident and route.basis == "kecamatan"


def test_inconclusive_text_with_a_kecamatan_keeps_the_guesses_for_staff(router: Router) -> None:
    text = "sampah dan parit di ujung gang"  # rubbish (DLH) or the drain (SDABMBK)?
    unsure = router.route(text)
    assert unsure.opd is not None and not unsure.confident
    route = router.route(text, kecamatan="Tanjung Morawa")
    assert route.destination == KECAMATAN_OPD
    assert route.alternatives[0][0] == unsure.opd


def test_confident_text_is_not_sent_to_the_kecamatan(router: Router) -> None:
    route = router.route("Lampu merah di simpang mati dari kemarin", kecamatan="Batang Kuis")
    assert route.destination == "dishub"


def test_category_comes_before_the_kecamatan(router: Router) -> None:
    route = router.route("tolong diperhatikan pak", category_opd="dinkes", kecamatan="Pagar Merbau")
    assert route.destination == "dinkes"


# -- contract ------------------------------------------------------------------------
def test_json_shape(router: Router) -> None:
    text = "Lampu merah di simpang mati dari kemarin"
    data = router.route(text).as_json(text)
    assert set(data) == {"text", "opd", "score", "alternatives"}
    assert data["text"] == text and data["opd"] == "dishub"
    assert isinstance(data["score"], float) and data["score"] >= CONFIDENT_SCORE
    assert isinstance(data["alternatives"], list) and len(data["alternatives"]) <= 3
    assert all(isinstance(opd, str) for opd in data["alternatives"])


def test_json_when_unsure_puts_the_best_guess_first() -> None:
    route = Route(
        "dishub", 0.3, (("satpolpp", 0.4), ("sdabmbk", 0.1), ("dlh", 0.05)), triage=TRIAGE_OPD
    )
    data = route.as_json("x")
    assert data["opd"] == TRIAGE_OPD
    assert data["alternatives"] == ["dishub", "satpolpp", "sdabmbk"]


def test_the_routing_policy_comes_from_the_opd_file(router: Router) -> None:
    policy = router.policy
    assert (policy.triage, policy.per_kecamatan) == (TRIAGE_OPD, KECAMATAN_OPD)
    assert router.route("tolong diperhatikan pak").triage == TRIAGE_OPD


def test_route_keeps_its_old_constructor_and_defaults() -> None:
    route = Route("dlh", 0.9, ())
    assert route.basis == "text" and route.confident and route.destination == "dlh"
    assert not Route(None, 0.0, ()).confident


def test_route_terms_matches_route(router: Router, shipped_knowledge: LiveKnowledge) -> None:
    text = "Sampah di TPS desa tidak diangkut seminggu"
    terms = shipped_knowledge.assistant.normalizer.analyze(text).terms
    assert router.route_terms(terms) == router.route(text)


def test_every_shipped_keyword_can_count(router: Router) -> None:
    # A keyword the router cannot use (only everyday words left after normalising) is a
    # silent mistake in the OPD file.
    assert router.ignored == []


def test_routing_is_fast(router: Router, shipped_knowledge: LiveKnowledge) -> None:
    normalizer = shipped_knowledge.assistant.normalizer
    text = (
        "Selamat pagi pak, saya warga dusun 2. Jalan menuju sekolah rusak parah dan berlubang, "
        "parit di sampingnya tersumbat sampah, lampu jalan juga mati sudah seminggu. "
        "Mohon segera ditindaklanjuti karena sudah sering terjadi kecelakaan di sana."
    )
    terms = normalizer.analyze(text).terms * 3
    start = time.perf_counter()
    for _ in range(200):
        router.route_terms(terms)
    per_route = (time.perf_counter() - start) / 200
    assert per_route < 0.002  # typically well under 0.1 ms
