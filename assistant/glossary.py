"""Domain vocabulary for matching a provider's words to the policies' words.

English terms map to the Dutch the policies use; informal Dutch maps to the formal terms.
Used to expand the keyword query and the sentence scoring, never to answer. Words this list
lacks are looked up in the index's lexicon (`translations`).
"""

from __future__ import annotations

import re
from functools import cache

from index.lexicon import Embed, Lexicon, words_of

# An English word the policies never use is matched to at most this many corpus words whose
# embedding is at least this similar (chosen on the tuning split; see docs/evaluation.md).
LEXICON_MIN_SIM = 0.92
LEXICON_TOP = 2

# phrase (regex, matched case-insensitively) → Dutch terms added to the query
EXPANSIONS: list[tuple[str, str]] = [
    # English → Dutch
    (r"\bdeadlines?\b|\bdue\b|\bby when\b|\blatest\b|\b(last|final) (date|day)\b", "uiterlijk datum sluitingsdatum uiterste"),
    (r"\bquotes?\b|\bquotations?\b|\boffers?\b|\bbids?\b|\bproposals?\b", "offerte voorstel aanbod"),
    (r"\bcontracts?\b", "overeenkomst contract zorgovereenkomst"),
    (r"\bagreements?\b|\barrangements?\b", "overeenkomst contract zorgovereenkomst afspraak afspraken"),
    (r"\bcontracting\b|\bcontracted\b", "contractering gecontracteerd"),
    (r"\bnew providers?\b|\bnew care providers?\b|\bnewcomers?\b", "nieuwe zorgaanbieders niet-gecontracteerde"),
    (r"\bproviders?\b", "zorgaanbieder zorgaanbieders"),
    # "apply for a contract", not "what requirements apply to…" (which asks what holds: "gelden")
    (r"\bapply\b(?!\s+to\b)|\bapplication\b|\bregister\b|\bsign up\b", "aanmelden aanvragen aanvraag"),
    (r"\bappl(y|ies)\s+to\b", "gelden geldt voor"),
    (r"\bdialysis\b", "dialyse dialysecentra"),
    (r"\bsign(ed|ing)?\b", "ondertekenen getekende ondertekening"),
    (r"\brevenue ceiling\b|\bturnover ceiling\b|\bceiling\b|\bcap\b", "omzetplafond plafond"),
    (r"\brevenue\b|\bturnover\b", "omzet"),
    (r"\bexpensive (drugs|medicines)\b|\badd-?on drugs?\b", "dure geneesmiddelen add-on add-ongeneesmiddelen"),
    (r"\bdrugs?\b|\bmedicines?\b|\bmedication\b", "geneesmiddelen"),
    (r"\bconditions?\b|\brequirements?\b|\brequire[sd]?\b|\bcriteria\b", "voorwaarden eisen voldoen"),
    (r"\bminimum\b|\bat least\b", "minimaal minimum"),
    (r"\bmaximum\b|\bat most\b", "maximaal maximum"),
    (r"\bprices?\b|\brates?\b|\btariffs?\b|\bfees?\b", "tarief tarieven prijs prijzen"),
    (r"\bvolume\b", "volume"),
    (r"\bwaiting (times?|lists?)\b", "wachttijden wachtlijst"),
    (r"\bquality\b", "kwaliteit kwaliteitseisen"),
    (r"\bduration\b|\bterm\b|\bhow long\b|\bvalid\b", "looptijd termijn geldig"),
    (r"\bweeks?\b", "weken"),
    (r"\bdays?\b", "dagen"),
    (r"\bmonths?\b", "maanden"),
    (r"\byears?\b|\bmulti-?year\b", "jaar meerjarig"),
    (r"\bchanges?d?\b|\bnew in\b|\bwhat's new\b|\bdifferent\b", "wijzigingen gewijzigd nieuw"),
    (r"\bpublish(ed|es)?\b|\bpublication\b", "publicatie gepubliceerd bekijk"),
    (r"\bhospitals?\b", "ziekenhuis ziekenhuizen"),
    (r"\bindependent treatment cent(er|re)s?\b|\bclinics?\b", "zbc zelfstandige behandelcentra kliniek"),
    (r"\bgeriatric rehabilitation\b", "geriatrische revalidatiezorg grz"),
    (r"\bshort[- ]term stay\b|\bprimary care stay\b|\bfirst-line stay\b", "eerstelijnsverblijf elv"),
    (r"\bsensory disab\w+\b", "zintuiglijk gehandicaptenzorg"),
    (r"\bin operation\b|\b(been )?operating\b|\bin business\b|\boperational\b", "in bedrijf volwaardig operationeel"),
    (r"\bemergency (care|department)\b|\ba&e\b|\b(?-i:ER)\b", "spoedeisende hulp seh acute zorg"),  # not the Dutch "er"
    (r"\bacute care\b", "acute zorg"),
    (r"\bcare\b", "zorg"),
    (r"\bambulance\b", "ambulancezorg ambulance"),
    (r"\bphysiotherap\w*\b|\bphysical therapy\b", "fysiotherapie oefentherapie"),
    (r"\bknee\b", "knie"),
    (r"\bhip\b", "heup"),
    (r"\bpatients?\b", "patiënten"),
    (r"\binsured\b|\bmembers?\b|\bcustomers?\b", "verzekerden"),
    (r"\bpercentage\b|\bpercent\b|\bshare\b", "procent percentage aandeel"),
    (r"\breimburse\w*\b|\bpaid\b|\bpay\b", "vergoeding vergoeden betalen"),
    (r"\boverrun\b|\bexceed\w*\b|\boverspend\w*\b", "overschrijding overschrijden"),
    (r"\bdigital\b", "digitaal digitale"),
    (r"\bsustainab\w+\b", "duurzaamheid duurzame"),
    (r"\bhome\b", "thuis"),
    (r"\bnurs(ing|es)\b", "verpleging wijkverpleging"),
    (r"\bcontact\b|\bemail\b|\be-mail\b", "contact e-mail mail"),
    (r"\bsupplementary\b|\badditional\b|\bextra\b", "aanvullende extra bijcontracteren"),
    (r"\bmid-?year\b", "tussentijds"),
    (r"\bsubmit\w*\b|\bsend\b|\bdeliver\w*\b", "aanleveren indienen sturen"),
    (r"\bquestionnaire\b|\bsurvey\b", "vragenlijst uitvraag"),
    (r"\bwhen\b", "wanneer datum"),
    (r"\boutpatient\b|\bambulatory\b", "ambulant ambulante poliklinisch"),
    (r"\binpatient\b|\badmission\b|\badmitted\b|\bhospital stay\b", "klinisch opname"),
    (r"\bhear back\b|\bdecision\b|\bdecide[sd]?\b|\boutcome\b|\bresult\b|\bfeedback\b",
     "besluit beslist uitkomst bekendmaking terugkoppeling reactie"),
    (r"\bdraft\b", "concept conceptovereenkomst"),
    (r"\brequest\b|\bask for\b", "aanvragen opvragen verzoek aanvraag"),
    (r"\bclaims?\b|\binvoic\w*\b|\bbilling\b|\bbill\b", "declaratie declareren declaraties"),
    (r"\brefer(s|red|ring|ral|rals)?\b", "verwijzen verwijzing verwijzers"),  # not "referentietarieven"
    (r"\bgps?\b|\bgeneral practitioners?\b", "huisarts huisartsen"),
    (r"\bmental health\b", "ggz geestelijke gezondheidszorg"),
    (r"\bdistrict nursing\b|\bcommunity nursing\b|\bhome care\b", "wijkverpleging"),
    (r"\bindexation\b|\bindexed\b|\bindex\b", "indexatie geïndexeerd"),
    (r"\befficien\w+\b", "doelmatigheid doelmatig doelmatigheidscategorie"),
    (r"\bcertifi\w+\b|\baccredit\w+\b|\bquality mark\b|\bquality label\b",
     "certificering gecertificeerd geaccrediteerd keurmerk kwaliteitskeurmerk"),
    (r"\bannual accounts?\b|\bfinancial statements?\b", "jaarrekening jaarrekeningen"),
    (r"\bannual report\b", "jaarverslag"),
    (r"\bsolven\w+\b", "solvabiliteit"),
    (r"\bsubcontract\w*\b|\bself-employed\b|\bfreelanc\w+\b", "onderaannemers onderaanneming uitbesteden zzp"),
    (r"\bstaff\b|\bpersonnel\b|\bworkforce\b", "personeel medewerkers"),
    (r"\bterminat\w+\b|\bcancel\w*\b", "opzeggen opzegging beëindigen ontbinden"),
    (r"\brenew\w*\b|\bextend\w*\b|\bextension\b", "verlengen verlenging"),
    (r"\bbudget\b", "budget budgetbekostiging"),
    (r"\bpost-?calculation\b|\bsettlement\b", "nacalculatie eindafrekening"),
    (r"\bforecasts?\b|\bprojections?\b", "prognose prognoses raming"),
    (r"\bquarter(ly)?\b", "kwartaal"),
    (r"\bbeds?\b", "bedden"),
    (r"\bregions?\b|\bregional\b", "regio regionale"),
    (r"\bmunicipalit\w+\b", "gemeenten gemeente"),
    (r"\bescalat\w+\b|\bdispute\b|\bdisagree\w*\b", "escalatie escalatieladder oneens"),
    (r"\bwaiting list mediation\b|\bwaiting time mediation\b", "wachtlijstbemiddeling zorgbemiddeling"),
    (r"\blength of stay\b|\bdays? in (care|hospital)\b", "opnameduur ligduur"),
    (r"\baverage\b|\bmean\b", "gemiddelde gemiddeld"),
    (r"\bexclud\w*\b|\bleft out\b|\bleaves? out\b|\bleave out\b|\bnot counted\b", "uitgesloten uitsluiten buiten"),
    (r"\bassess\w*\b|\bevaluat\w*\b|\breview\w*\b|\bjudge[sd]?\b", "beoordelen beoordeling toetsen toetsing"),
    (r"\bfinancial health\b|\bfinancially (healthy|sound|stable)\b|\bfinancial (position|stability)\b|\bcreditworth\w*\b",
     "financiële gezondheid solvabiliteit continuïteit jaarrekening"),
    (r"\bguidelines?\b|\bprofessional standards?\b|\bquality standards?\b|\bframeworks?\b",
     "richtlijnen richtlijn kwaliteitskader normen"),
    (r"\bbespoke\b|\btailor(ed|-made)?\b|\bcustomi[sz]ed\b|\bcustom\b|\bindividual(ly)? negotiated\b", "maatwerk"),
    (r"\bstandard(i[sz]ed)?\b", "standaard"),
    (r"\bnegotiat\w*\b|\btalks\b|\bmeetings?\b|\bdiscussions?\b", "gesprekken inkoopgesprekken gesprek onderhandelen"),
    (r"\bpurchasing process\b|\bprocurement process\b|\bcontracting process\b", "inkoopproces contracteerproces"),
    (r"\bmarket share\b", "marktaandeel"),
    (r"\breference (period|years?)\b|\bbase (period|years?)\b", "referentieperiode referentiejaar"),
    (r"\breference (prices?|tariffs?|rates?)( lists?)?\b", "referentietarieven referentieprijzen referentieprijslijst"),
    (r"\bmarket[- ](based|conform\w*|rates?|prices?)\b", "marktconform marktconforme"),
    (r"\bbudget[- ]neutral\b|\bcost[- ]neutral\b", "budgetneutraal"),
    (r"\bcompared (with|to)\b|\bversus\b|\bvs\.?\b", "ten opzichte van versus"),
    (r"\ballowed\b|\bpermitted\b|\bprohibited\b|\bforbidden\b", "toegestaan niet toegestaan mag"),
    (r"\balongside\b|\bat the same time\b|\bsimultaneous\w*\b|\bcombin\w+\b|\bconcurrent\w*\b", "naast gelijktijdig combinatie samenloop"),
    (r"\bwards?\b|\bdepartments?\b", "afdeling afdelingen"),
    (r"\brooms?\b", "kamer kamers eenpersoonskamers"),
    (r"\bnurses?\b", "verpleegkundige verpleegkundigen"),
    (r"\bdoctors?\b|\bphysicians?\b", "arts artsen"),
    (r"\bdocuments?\b|\bpaperwork\b|\bevidence\b|\bproof\b", "documenten stukken aantonen bewijs"),
    (r"\bsurcharge\b|\bmark-?up\b|\bpremium\b|\bsupplement\b", "opslag toeslag tariefopslag"),
    (r"\bdiscount\b|\breduction\b|\bdeduction\b", "korting afslag verlaagd"),
    (r"\bfixed (price|rate|tariff)\b", "vast tarief vaste tarieven"),
    (r"\bover-?production\b|\bproduce more\b", "overproductie"),
    (r"\binnovat\w*\b|\bpilots?\b|\bexperiments?\b", "innovatie experiment pilot"),
    (r"\breports?\b|\breporting\b", "rapportage rapporteren verslag"),
    (r"\bmonitor\w*\b", "monitoren monitoring"),
    (r"\bcomplaints?\b|\bobjections?\b|\bappeal\b", "klacht klachten bezwaar"),
    (r"\brejects?(ed|ion)?\b|\brefus\w+\b|\bturn(ed)? down\b", "afwijzen afgewezen niet gecontracteerd"),
    (r"\bapprov\w+\b", "goedgekeurd goedkeuring akkoord"),
    (r"\bselect\w*\b|\bchoose\b|\bchosen\b", "selectie selecteren kiezen"),
    (r"\bwaiting times?\b", "wachttijd wachttijden"),
    (r"\bper (client|patient)\b", "per cliënt per patiënt"),
    (r"\b(patient|client|customer) (satisfaction|experiences?)\b|\bsatisf\w+\b",
     "tevredenheid patiënttevredenheid klanttevredenheid tevredenheidsonderzoeken ervaringen klantervaringen"),
    # informal Dutch → formal terms
    (r"\bdeadline\b", "uiterlijk sluitingsdatum uiterste datum"),
    (r"\bofferte\b", "offerte voorstel financiële afspraak"),
    (r"\b(financieel |financiële )?voorstel\b", "offerte voorstel financiële afspraak"),
    (r"\bhoe snel\b|\bbinnen hoeveel tijd\b", "binnen termijn weken"),
    (r"\bcontract\b", "overeenkomst zorgovereenkomst contract contracteren gecontracteerd"),
    (r"\baanmelden\b|\binschrijven\b", "aanmelden aanvragen aanvraag overeenkomst"),
    (r"\bnieuwe\s+(zorg)?aanbieders?\b", "niet-gecontracteerde ongecontracteerde"),
    (r"\bongecontracteerd\w*|\bniet[- ]gecontracteerd\w*|\bnon-?contracted\b|\bwithout (a )?contract\b|\bno contract\b",
     "niet-gecontracteerde ongecontracteerde"),
    # a separable verb split by the question ("Hoe vraag ik … een contract aan?", "meld ik me … aan")
    # (named groups: the verb and its particle say it, not the words between them)
    (r"\b(?P<verb>vraa?g\w*)(?:\s+[\w-]+){0,6}?\s+(?P<particle>aan)(?=\s*(?:[?.!,]|$|bij\b|voor\b|via\b|om\b|als\b))", "aanvragen aanvraag"),
    (r"\b(?P<verb>meld\w*)(?:\s+[\w-]+){0,6}?\s+(?P<particle>aan)(?=\s*(?:[?.!,]|$|bij\b|voor\b|via\b|om\b|als\b))", "aanmelden aanvragen aanvraag"),
    (r"\bplafond\b", "omzetplafond"),
    (r"\bhoe\s?lang\b", "looptijd periode duur"),
    (r"telefoonnummer|telefonisch|\bphone\b|\bbellen\b|\bcall\b", "bel bellen telefoon telefonisch contact"),
    (r"\baanspreekpunt\w*|\bcontactpersoon\w*|\bcontact persons?\b|\bpoint of contact\b|\bbij wie\b|\bwho (do|should|can) (i|we)\b",
     "contact contactformulier bel zorginkoper"),
    (r"mailadres|e-?mail\b|\bmailen\b", "e-mail e-mailadres mail sturen"),
    (r"website|webpagina|web page", "website kijk contactformulier"),
    (r"\b(onder)?teken(en|t)\b|\b(onder)?getekend\w*|\bondertekening\b", "ondertekenen getekende ondertekening getekend"),
    (r"\bwaar\s*(naar\s*)?toe\b|\bwaarheen\b|\bnaar welk adres\b|\bwhere to\b", "sturen stuurt naar e-mailadres indienen"),
    (r"\bplanning\b|\btijdpad\b|\btijdlijn\b|\bdatums\b|(?<=belangrijke )data\b|(?<=belangrijkste )data\b|(?<=welke )data\b|(?<=alle )data\b|\btimeline\b|\bschedule\b|\bkey dates\b",
     "planning termijnen datum"),
    (r"\bprijzen\b|\bprijs\b", "tarief tarieven prijs"),
    (r"\binzien\b|\bin te zien\b|\bverschijn\w*|\bpubliceer\w*|\bpubliceren\b|\bgepubliceerd\b|\bbekendgemaakt\b",
     "publicatie gepubliceerd publiceren bekijk bekijken"),
    (r"\bnieuwkomers?\b|\bnieuwe aanbieders?\b", "nieuwe zorgaanbieders niet-gecontracteerde"),
    (r"\bsjablo\w*|\btemplates?\b", "sjabloon format"),
    # Dutch words for one thing that the policies name otherwise
    (r"\b(kwaliteits)?keurmerk\w*|\bcertifica\w+|\bcertificering\w*|\baccreditatie\w*|\bgecertificeerd\w*",
     "keurmerk kwaliteitskeurmerk certificering gecertificeerd accreditatie kwaliteitssysteem"),
    (r"\bzbc'?s?\b|\bzelfstandige? (behandelcentr\w+|klinieken?)\b|\bprivékliniek\w*|\bparticuliere klinie\w+",
     "zbc zelfstandige behandelcentra kliniek klinieken"),
    (r"\b(lager|minder|kleiner|onder de|onder het)\b", "minder lager kleiner onder"),
    (r"\b(hoger|groter|boven de|boven het|meer dan)\b", "meer hoger groter boven"),
    (r"\bprognoses?\b|\bramingen?\b|\bverwachting(en)?\b", "prognose prognoses raming volumeprognoses"),
    (r"\bescalat\w+|\bvastlo\w+|\bgeschil\w*|\bconflict\w*|\bniet eens\b|\bonenigheid\b",
     "escalatie escalatieladder moeizaam oneens"),
    (r"\bopzeg\w*|\bbeëindig\w*|\bstoppen\b|\bontbind\w*", "opzeggen opzegging beëindigen ontbinden"),
    (r"\bverleng\w*", "verlengen verlenging"),
    # more room under a revenue ceiling, as each policy words it
    (r"\bophog\w*|\bverhog\w* van (het|mijn|ons|uw) (omzet)?plafond|\bverruim\w*|\bbijkop\w*|\bbijcontract\w*|\bextra (omzet|budget|volume)\b",
     "verruiming bijkopen bijcontracteren aanvullende afspraken"),
    # a separable verb the policies split ("besteedt maximaal 30% van de zorg uit")
    (r"\buitbeste\w*|\bonderaanne\w*", "uitbesteden besteedt onderaannemers onderaanneming"),
    # how long a provider has existed ("hoe lang moet je bestaan"): the policies say "operationeel", "in bedrijf"
    (r"\bbestaa?n\b|\bbestaat\b|\bbestond\w*|\boperationeel\b|\bin bedrijf\b", "operationeel in bedrijf volwaardig"),
    (r"\bwachtlijst\w*|\bwachttijd\w*", "wachttijden wachtlijst treeknormen wachtlijstbemiddeling"),
    # two kinds of care billed for one patient at once: the policies call it "samenloop"
    (r"\btegelijk\w*|\bgelijktijdig\w*|\bnaast elkaar\b|\bnaast (de|het)\b.{0,40}\bdeclarer\w*|\bcombiner\w*",
     "samenloop gelijktijdig combinatie"),
    # a field of care and its provider's adjective (the lemmatiser keeps them apart)
    (r"\baudiolog\w*|\baudiology\b", "audiologie audiologisch audiologische"),
    (r"\b(in|op|toe)?stur\w*|\bversturen\b|\bindien(en|t|ing)\b|\baanlever\w*|\bleveren\b",
     "aanleveren indienen sturen"),
    (r"\beisen\b|\bcriteria\b|\bvoorwaarden?\b|\bvereisten?\b", "voorwaarden eisen criteria voldoen"),
    (r"\bwat is er nieuw\b|\bnieuwe? (afspraken|regels|eisen)\b|\bverander\w*|\bgewijzigd\b|\btoegevoegd\b"
     r"|\baangepast\b|\bwijziging\w*", "wijzigingen gewijzigd nieuw"),
    (r"\bbedrag\b|\bkosten\b|\bgeld\b", "bedrag euro"),
    (r"\blooptijd\b|\bgeldig\w*|\bhoe\s?lang loopt\b", "looptijd geldig meerjarig eenjarig jaar"),
]


def _phrase(m: re.Match[str]) -> str:
    """What a glossary match says: a separable verb's verb and particle ("vraag … aan"), else the match."""
    parts = m.groupdict()
    if parts.get("verb") and parts.get("particle"):
        return f"{parts['verb']} {parts['particle']}"
    return m.group(0)


def _matches(text: str) -> list[tuple[list[str], str]]:
    """Each glossary entry the text matches: the phrases it matched, and the terms it adds."""
    out = []
    for rx, terms in EXPANSIONS:
        found = [_phrase(m) for m in re.finditer(rx, text, re.I)]
        if found:
            out.append((found, terms))
    return out


def expand(text: str) -> str:
    """Add the policies' own terms for what the question says in other words."""
    extra = [terms for _, terms in _matches(text)]
    return f"{text} {' '.join(extra)}" if extra else text


def synonym_groups(text: str) -> list[str]:
    """What `expand` adds, as groups of words that say one thing: each matched phrase of the
    question with the terms it adds ("draft" with "concept conceptovereenkomst"). A sentence
    that uses any word of a group has said what the question's phrase says."""
    return [f"{' '.join(found)} {terms}" for found, terms in _matches(text)]


@cache
def stopwords() -> frozenset[str]:
    """The Dutch and English stop words (bm25s's lists)."""
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | frozenset(STOPWORDS_DUTCH)


def translations(text: str, lexicon: Lexicon, embed_terms: Embed) -> dict[str, list[str]]:
    """Corpus words that mean what the question's unknown words mean (see `index.lexicon`):
    every word of `text` that is no stop word and occurs nowhere in the corpus, with its
    nearest corpus words, if any are near enough."""
    stop = stopwords()
    out: dict[str, list[str]] = {}
    for word in dict.fromkeys(words_of(text)):
        if word in lexicon or word in stop:
            continue
        near = lexicon.neighbours(word, embed_terms, LEXICON_MIN_SIM, LEXICON_TOP)
        if near:
            out[word] = near
    return out


def translated_terms(near: dict[str, list[str]]) -> list[str]:
    """The corpus words of `translations`, each once."""
    return list(dict.fromkeys(t for words in near.values() for t in words))
