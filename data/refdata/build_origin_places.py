"""Builds data/refdata/origin_places.csv (run: python3 build_origin_places.py origin_places.csv): country names from Debian iso-codes (ISO 3166-1 with
gettext translations), plus curated short names, demonyms, regions (UN M49 groupings) and
husbandry words."""
import csv, json, gettext, sys

ISO_SRC = "iso-codes_4.15.0"
CUR = "curated"
M49 = "un_m49"
HUSB = "curated_vocabulary"

d = json.load(open('/usr/share/iso-codes/json/iso_3166-1.json'))['3166-1']
tr = {l: gettext.translation('iso_3166-1', localedir='/usr/share/locale', languages=[l]) for l in ['fr', 'de', 'nl']}

# Names that are also ordinary words or other things: match only with the letter case as written.
CASE = {"Turkey", "China", "Chad", "Jordan", "Georgia", "Niger", "Guinea", "Jersey", "Guernsey",
        "Panama", "Chile", "Mali", "Togo", "Maurice", "Réunion", "Reunion", "Dominica", "Grenada",
        "Cuba", "Oman", "Chine", "Guinée", "Guinee", "Jordanie", "Georgien", "Man", "Isle of Man",
        "Saint Martin", "Saint-Martin", "Sint Maarten", "Christmas Island", "Norfolk Island", "Montserrat",
        "Nauru", "Tonga", "Samoa", "Niue", "Aruba", "Benin", "Bénin", "Gabon", "Lesotho", "Malawi",
        "Congo", "Kongo", "Cook Islands", "Heard Island and McDonald Islands", "Bouvet Island",
        "Tokelau", "Pitcairn", "Macao", "Macau", "Monaco", "Malta", "Cyprus", "Chypre", "Zypern", "Cyprus"}

# Curated extra names per ISO code: (en, fr, de, nl); '*' after a word = inflected forms allowed
# (adjective/plural endings), '=' before = letter case must match.
EXTRA = {
 "AF": ("Afghan*", "afghan*", "afghanisch*", "Afghaans*"),
 "AL": ("Albanian*", "albanais*", "albanisch*", "Albanees; Albanese"),
 "AO": ("Angolan*", "angolais*", "angolanisch*", "Angolees; Angolese"),
 "AR": ("Argentine*; Argentinian*", "argentin*", "argentinisch*", "Argentijns*"),
 "AT": ("Austrian*", "autrichien*", "österreichisch*", "Oostenrijks*"),
 "AU": ("Australian*", "australien*", "australisch*", "Australisch*"),
 "BA": ("Bosnia; Bosnian*", "Bosnie; bosnien*", "Bosnien; bosnisch*", "Bosnië; Bosnisch*"),
 "BD": ("Bangladeshi*", "bangladais*", "bangladeschisch*", "Bengaals*"),
 "BE": ("Belgian*", "belge*", "belgisch*", "Belgisch*"),
 "BF": ("Burkinabe; Burkinabè", "burkinabè*", "burkinisch*", "Burkinees; Burkinese"),
 "BG": ("Bulgarian*", "bulgare*", "bulgarisch*", "Bulgaars*"),
 "BI": ("Burundian*", "burundais*", "burundisch*", "Burundees; Burundese"),
 "BN": ("Brunei", "Brunei", "Brunei", ""),
 "BO": ("Bolivian*", "bolivien*", "bolivianisch*", "Boliviaans*"),
 "BR": ("Brazilian*", "brésilien*", "brasilianisch*", "Braziliaans*"),
 "BT": ("Bhutanese", "bhoutanais*", "bhutanisch*", "Bhutaans*"),
 "BW": ("Botswanan*; Motswana; Batswana", "botswanais*", "botsuanisch*; Botswana", "Botswaans*"),
 "BY": ("Belarusian*; Belorussia", "biélorusse*", "belarussisch*; Weißrussland; weißrussisch*", "Wit-Rusland; Wit-Russisch*"),
 "BZ": ("Belizean*", "bélizien*", "belizisch*", "Belizaans*"),
 "CA": ("Canadian*", "canadien*", "kanadisch*", "Canadees; Canadese"),
 "CD": ("DR Congo; DRC; Democratic Republic of the Congo; Congo-Kinshasa; Zaire", "RD Congo; RDC; Congo-Kinshasa; Zaïre", "DR Kongo; Kongo-Kinshasa; Zaire", "DR Congo; Congo-Kinshasa; Zaïre"),
 "CF": ("Central African Republic; Central African*", "Centrafrique; centrafricain*", "zentralafrikanisch*", "Centraal-Afrikaans*"),
 "CG": ("Republic of the Congo; Congo-Brazzaville", "Congo-Brazzaville; =Congo", "Kongo-Brazzaville", "Congo-Brazzaville"),
 "CH": ("Swiss", "suisse*", "schweizerisch*; Schweizer", "Zwitsers*"),
 "CI": ("Ivory Coast; Ivorian*", "ivoirien*", "Elfenbeinküste; ivorisch*", "Ivoriaans*"),
 "CL": ("Chilean*", "chilien*", "chilenisch*", "Chileens*"),
 "CM": ("Cameroonian*", "camerounais*", "kamerunisch*", "Kameroens*"),
 "CN": ("Chinese", "chinois*", "chinesisch*", "Chinees; Chinese"),
 "CO": ("Colombian*", "colombien*", "kolumbianisch*", "Colombiaans*"),
 "CR": ("Costa Rican*", "costaricien*; costaricain*", "costa-ricanisch*", "Costa Ricaans*"),
 "CU": ("Cuban*", "cubain*", "kubanisch*", "Cubaans*"),
 "CZ": ("Czech*", "tchèque*", "tschechisch*", "Tsjechisch*"),
 "DE": ("German*", "allemand*", "deutsch*", "Duits*"),
 "DK": ("Danish", "danois*", "dänisch*", "Deens*"),
 "DZ": ("Algerian*", "algérien*", "algerisch*", "Algerijns*"),
 "EC": ("Ecuadorian*; Ecuadorean*", "équatorien*", "ecuadorianisch*", "Ecuadoraans*"),
 "EE": ("Estonian*", "estonien*", "estnisch*", "Estisch*"),
 "EG": ("Egyptian*", "égyptien*", "ägyptisch*", "Egyptisch*"),
 "ES": ("Spanish", "espagnol*", "spanisch*", "Spaans*"),
 "ET": ("Ethiopian*", "éthiopien*", "äthiopisch*", "Ethiopisch*"),
 "FI": ("Finnish", "finlandais*", "finnisch*", "Finse"),
 "FR": ("French", "français*", "französisch*", "Franse"),
 "GA": ("Gabonese", "gabonais*", "gabunisch*", "Gabonees; Gabonese"),
 "GB": ("UK; Great Britain; Britain; British; Scotland; Scottish; Wales; Welsh; Northern Ireland", "Grande-Bretagne; britannique*; Angleterre; Écosse; écossais*", "Großbritannien; britisch*; England; englisch*; Schottland; schottisch*", "Groot-Brittannië; Brits*; Engeland; Schotland; Schots*"),
 "GH": ("Ghanaian*", "ghanéen*", "ghanaisch*", "Ghanees; Ghanese"),
 "GL": ("Greenlandic", "groenlandais*", "grönländisch*", "Groenlands*"),
 "GR": ("Greek*", "grec; grecque*; grecs", "griechisch*", "Grieks*"),
 "GT": ("Guatemalan*", "guatémaltèque*", "guatemaltekisch*", "Guatemalteeks*"),
 "HN": ("Honduran*", "hondurien*", "honduranisch*", "Hondurees; Hondurese"),
 "HR": ("Croatian*", "croate*", "kroatisch*", "Kroatisch*"),
 "HU": ("Hungarian*", "hongrois*", "ungarisch*", "Hongaars*"),
 "ID": ("Indonesian*", "indonésien*", "indonesisch*", "Indonesisch*"),
 "IE": ("Irish", "irlandais*", "irisch*", "Ierse"),
 "IN": ("Indian*", "indien*", "indisch*", "Indiaas; Indiase"),
 "IR": ("Iranian*; Persia", "iranien*", "iranisch*", "Iraans*"),
 "IT": ("Italian*", "italien*", "italienisch*", "Italiaans*"),
 "KE": ("Kenyan*", "kényan*", "kenianisch*", "Keniaans*"),
 "KG": ("Kyrgyzstan; Kirghizia; Kyrgyz", "kirghize*", "kirgisisch*", "Kirgizisch*"),
 "KH": ("Cambodian*", "cambodgien*", "kambodschanisch*", "Cambodjaans*"),
 "KZ": ("Kazakh*; Kazakhstani*", "kazakh*", "kasachisch*", "Kazachs*"),
 "LA": ("=Lao; Laotian*", "laotien*", "laotisch*", "Laotiaans*"),
 "LT": ("Lithuanian*", "lituanien*", "litauisch*", "Litouws*"),
 "LU": ("Luxembourgish", "luxembourgeois*", "luxemburgisch*", "Luxemburgs*"),
 "LV": ("Latvian*", "letton*", "lettisch*", "Letse"),
 "MA": ("Moroccan*", "marocain*", "marokkanisch*", "Marokkaans*"),
 "MD": ("Moldavia; Moldovan*", "moldave*", "moldauisch*", "Moldavisch*"),
 "ME": ("Montenegrin*", "monténégrin*", "montenegrinisch*", "Montenegrijns*"),
 "MG": ("Malagasy", "malgache*", "madagassisch*", "Malagassisch*"),
 "MK": ("Macedonia; Macedonian*", "Macédoine; macédonien*", "Mazedonien; mazedonisch*", "Macedonië; Macedonisch*"),
 "ML": ("Malian*", "malien*", "malisch*", "Malinees; Malinese"),
 "MM": ("Burma; Burmese", "birman*", "Birma; Burma; birmanisch*", "Birma; Birmaans*"),
 "MN": ("Mongolian*", "mongol*", "mongolisch*", "Mongools*"),
 "MR": ("Mauritanian*", "mauritanien*", "mauretanisch*", "Mauritaans*"),
 "MW": ("Malawian*", "malawite*; malawien*", "malawisch*", "Malawisch*"),
 "MX": ("Mexican*", "mexicain*", "mexikanisch*", "Mexicaans*"),
 "MY": ("Malaysian*", "malaisien*; malaysien*", "malaysisch*", "Maleisisch*"),
 "MZ": ("Mozambican*", "mozambicain*", "mosambikanisch*", "Mozambikaans*"),
 "NA": ("Namibian*", "namibien*", "namibisch*", "Namibisch*"),
 "NE": ("Nigerien*", "nigérien*", "nigrisch*", "Nigerees; Nigerese"),
 "NG": ("Nigerian*", "nigérian*", "nigerianisch*", "Nigeriaans*"),
 "NL": ("Holland; Dutch", "Hollande; néerlandais*; hollandais*", "Holland; niederländisch*; holländisch*", "Holland; Nederlands*; Hollands*"),
 "NO": ("Norwegian*", "norvégien*", "norwegisch*", "Noors*"),
 "NP": ("Nepalese; Nepali*", "népalais*", "nepalesisch*", "Nepalees; Nepalese"),
 "NZ": ("New Zealander*", "néo-zélandais*", "neuseeländisch*", "Nieuw-Zeelands*"),
 "PA": ("Panamanian*", "panaméen*", "panamaisch*", "Panamees; Panamese"),
 "PE": ("Peruvian*", "péruvien*", "peruanisch*", "Peruaans*"),
 "PG": ("Papua; Papuan*", "papouasien*", "papua-neuguineisch*", "Papoea-Nieuw-Guinees; Papoea-Nieuw-Guinese"),
 "PH": ("Philippine; Filipino*", "philippin*", "philippinisch*", "Filipijns*"),
 "PK": ("Pakistani*", "pakistanais*", "pakistanisch*", "Pakistaans*"),
 "PL": ("=Polish", "polonais*", "polnisch*", "Poolse"),
 "PT": ("Portuguese", "portugais*", "portugiesisch*", "Portugees; Portugese"),
 "PY": ("Paraguayan*", "paraguayen*", "paraguayisch*", "Paraguayaans*"),
 "RO": ("Romanian*", "roumain*", "rumänisch*", "Roemeens*"),
 "RS": ("Serbian*", "serbe*", "serbisch*", "Servisch*"),
 "RU": ("Russia; Russian*", "Russie; russe*", "Russland; russisch*", "Russisch*"),
 "RW": ("Rwandan*", "rwandais*", "ruandisch*; Ruanda", "Rwandees; Rwandese"),
 "SC": ("Seychellois", "seychellois*", "seychellisch*", "Seychels*"),
 "SD": ("Sudanese", "soudanais*", "sudanesisch*", "Soedanees; Soedanese"),
 "SE": ("Swedish", "suédois*", "schwedisch*", "Zweeds*"),
 "SI": ("Slovenian*; Slovene*", "slovène*", "slowenisch*", "Sloveens*"),
 "SK": ("Slovakian*; Slovak*", "slovaque*", "slowakisch*", "Slowaaks*"),
 "SN": ("Senegalese", "sénégalais*", "senegalesisch*", "Senegalees; Senegalese"),
 "SO": ("Somali*", "somalien*", "somalisch*", "Somalisch*"),
 "SR": ("Surinamese", "surinamais*", "surinamisch*", "Surinaams*"),
 "SV": ("Salvadoran*", "salvadorien*", "salvadorianisch*", "Salvadoraans*"),
 "SY": ("Syria; Syrian*", "Syrie; syrien*", "syrisch*", "Syrisch*"),
 "SZ": ("Swaziland; Swazi*", "Swaziland; swazi*", "Swasiland; swasiländisch*", "Swaziland; Swazisch*"),
 "TD": ("Chadian*", "tchadien*", "tschadisch*", "Tsjadisch*"),
 "TH": ("Thai", "thaïlandais*", "thailändisch*", "Thais*"),
 "TJ": ("Tajik*; Tajikistani*", "tadjik*", "tadschikisch*", "Tadzjieks*"),
 "TM": ("Turkmen*", "turkmène*", "turkmenisch*", "Turkmeens*"),
 "TN": ("Tunisian*", "tunisien*", "tunesisch*", "Tunesisch*"),
 "TR": ("=Turkey; Turkish", "=Turquie; turc; turque*; turcs", "türkisch*", "Turks*"),
 "TW": ("Taiwanese", "taïwanais*", "taiwanisch*", "Taiwanees; Taiwanese"),
 "TZ": ("Tanzanian*; Zanzibar", "tanzanien*; Zanzibar", "tansanisch*; Sansibar", "Tanzaniaans*; Zanzibar"),
 "UA": ("Ukrainian*", "ukrainien*", "ukrainisch*", "Oekraïens*"),
 "UG": ("Ugandan*", "ougandais*", "ugandisch*", "Oegandees; Oegandese"),
 "US": ("USA; United States of America; American*", "USA; américain*", "USA; amerikanisch*", "VS; Verenigde Staten; Amerikaans*"),
 "UZ": ("Uzbek*; Uzbekistani*", "ouzbek*", "usbekisch*", "Oezbeeks*"),
 "VA": ("Vatican; Vatican City", "Vatican", "Vatikan", "Vaticaan"),
 "VE": ("Venezuelan*", "vénézuélien*", "venezolanisch*", "Venezolaans*"),
 "VN": ("Vietnam; Vietnamese", "Vietnam; vietnamien*", "vietnamesisch*", "Vietnamees; Vietnamese"),
 "ZA": ("South African*", "sud-africain*", "südafrikanisch*", "Zuid-Afrikaans*"),
 "ZM": ("Zambian*", "zambien*", "sambisch*", "Zambiaans*"),
 "ZW": ("Zimbabwean*", "zimbabwéen*", "simbabwisch*", "Zimbabwaans*"),
}

EUROPE = "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE LV LI LT LU MT MC ME NL MK NO PL PT MD RO RU SM RS SK SI ES SJ SE CH UA GB CS"
ASIA = "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE"
AFRICA = "DZ AO BJ BW IO BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET TF GA GM GH GN GW KE LS LR LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW"
W_AFRICA = "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG"
E_AFRICA = "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW"
N_AFRICA = "DZ EG LY MA SD TN EH"
M_AFRICA = "AO CM CF TD CG CD GQ GA ST"
S_AFRICA = "BW LS NA ZA SZ"
N_AMERICA = "BM CA GL PM US"
C_AMERICA = "BZ CR SV GT HN MX NI PA"
CARIB = "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI"
S_AMERICA = "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE"
OCEANIA = "AS AU CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF CX CC"
SE_ASIA = "BN KH ID LA MY MM PH SG TH TL VN"
USSR = "AM AZ BY EE GE KZ KG LV LT MD RU TJ TM UA UZ"

def j(*xs): return " ".join(dict.fromkeys(" ".join(xs).split()))

# key, members, source, (en, fr, de, nl)
REGIONS = [
 ("europe", EUROPE, M49, ("Europe; European*", "Europe; européen*", "Europa; europäisch*", "Europa; Europees; Europese")),
 ("asia", ASIA, M49, ("Asia; Asian*", "Asie; asiatique*", "Asien; asiatisch*", "Azië; Aziatisch*")),
 ("africa", AFRICA, M49, ("Africa; African*", "Afrique; africain*", "Afrika; afrikanisch*", "Afrika; Afrikaans*")),
 ("western_africa", W_AFRICA, M49, ("West Africa; Western Africa; West African*", "Afrique de l'Ouest; ouest-africain*", "Westafrika; westafrikanisch*", "West-Afrika; West-Afrikaans*")),
 ("eastern_africa", E_AFRICA, M49, ("East Africa; Eastern Africa; East African*", "Afrique de l'Est; est-africain*", "Ostafrika; ostafrikanisch*", "Oost-Afrika; Oost-Afrikaans*")),
 ("northern_africa", N_AFRICA, M49, ("North Africa; Northern Africa; North African*", "Afrique du Nord; nord-africain*", "Nordafrika; nordafrikanisch*", "Noord-Afrika; Noord-Afrikaans*")),
 ("middle_africa", M_AFRICA, M49, ("Central Africa; Middle Africa", "Afrique centrale", "Zentralafrika", "Centraal-Afrika")),
 ("southern_africa", S_AFRICA, M49, ("Southern Africa", "Afrique australe", "südliches Afrika", "zuidelijk Afrika")),
 ("northern_america", N_AMERICA, M49, ("North America; Northern America; North American*", "Amérique du Nord; nord-américain*", "Nordamerika; nordamerikanisch*", "Noord-Amerika; Noord-Amerikaans*")),
 ("central_america", C_AMERICA, M49, ("Central America; Central American*", "Amérique centrale; centraméricain*", "Mittelamerika; Zentralamerika; mittelamerikanisch*", "Midden-Amerika; Centraal-Amerika; Midden-Amerikaans*")),
 ("central_and_north_america", j(C_AMERICA, N_AMERICA), M49, ("Central and North America", "Amérique centrale et du Nord", "Mittel- und Nordamerika", "Midden- en Noord-Amerika")),
 ("caribbean", CARIB, M49, ("Caribbean", "Caraïbes; caribéen*", "Karibik; karibisch*", "Caraïben; Caribisch*")),
 ("south_america", S_AMERICA, M49, ("South America; South American*", "Amérique du Sud; sud-américain*", "Südamerika; südamerikanisch*", "Zuid-Amerika; Zuid-Amerikaans*")),
 ("latin_america", j(C_AMERICA, CARIB, S_AMERICA), "un_m49 (Central America + Caribbean + South America)", ("Latin America; Latin American*; Neotropics; Neotropical*", "Amérique latine; latino-américain*; néotropical*; néotropicale*", "Lateinamerika; lateinamerikanisch*; Neotropis; neotropisch*", "Latijns-Amerika; Latijns-Amerikaans*; neotropisch*")),
 ("americas", j(N_AMERICA, C_AMERICA, CARIB, S_AMERICA), M49, ("Americas; America", "Amériques; Amérique", "Amerika", "Amerika")),
 ("oceania", OCEANIA, M49, ("Oceania", "Océanie", "Ozeanien", "Oceanië")),
 ("south_eastern_asia", SE_ASIA, M49, ("South-East Asia; Southeast Asia; South East Asia; Southeast Asian*", "Asie du Sud-Est", "Südostasien; südostasiatisch*", "Zuidoost-Azië; Zuidoost-Aziatisch*")),
 ("former_ussr", USSR, "curated (the 15 successor states of the USSR)", ("USSR; Soviet Union; Soviet*", "URSS; Union soviétique; soviétique*", "UdSSR; Sowjetunion; sowjetisch*", "USSR; Sovjet-Unie; Sovjetunie")),
 ("kashmir", "IN PK", "curated (the parts administered by India and Pakistan)", ("Kashmir; Kashmiri*", "Cachemire", "Kaschmir", "Kasjmir")),
 ("himalaya", "BT CN IN NP PK", CUR, ("Himalaya; Himalayas; Himalayan*", "Himalaya; himalayen*", "Himalaya", "Himalaya")),
 ("tibet", "CN", CUR, ("Tibet; Tibetan*", "Tibet; tibétain*", "Tibet; tibetisch*", "Tibet; Tibetaans*")),
 ("siberia", "RU", CUR, ("Siberia; Siberian*", "Sibérie; sibérien*", "Sibirien; sibirisch*", "Siberië; Siberisch*")),
 ("borneo", "BN ID MY", CUR, ("Borneo", "Bornéo", "Borneo", "Borneo")),
 ("scandinavia", "DK NO SE", CUR, ("Scandinavia; Scandinavian*", "Scandinavie; scandinave*", "Skandinavien; skandinavisch*", "Scandinavië; Scandinavisch*")),
 ("balkans", "AL BA BG GR HR ME MK RS SI CS", CUR, ("Balkans", "Balkans", "Balkan", "Balkan")),
]

HUSBANDRY = [
 ("farmed", HUSB, ("farmed; farm; farm-raised; ranched; ranch; =CF", "élevé en ferme; élevée en ferme; élevage en ferme; de ferme; en ferme; élevé en ranch", "Farm; Farmzucht; Farmhaltung; Straußenfarm; Krokodilfarm; Hirschfarm; Gatterhaltung; Gatterwild", "farmkweek; boerderij; struisvogelboerderij; krokodillenfarm")),
 ("captive_bred", HUSB, ("captive bred; captive-bred; bred in captivity; home bred; own breeding; =CB", "né en captivité; née en captivité; issu d'élevage; de mon élevage; =NC", "Nachzucht; eigene Nachzucht; aus Zucht; Zuchttier; =NZ", "kweek; eigen kweek; gekweekt; nakweek; =NK")),
]

LANGS = ["en", "fr", "de", "nl"]
rows = []
def add(key, kind, members, lang, name, source, verified):
    name = name.strip()
    if not name:
        return
    mode = "plain"
    if name.startswith("="):
        name, mode = name[1:], "case"
    elif name.endswith("*"):
        name, mode = name[:-1], "inflected"
    if "*" in name:
        sys.exit(f"bad entry {name}")
    if mode == "plain" and name in CASE:
        mode = "case"
    rows.append([key, kind, members, lang, name, mode, source, verified])

for c in d:
    code = c["alpha_2"]
    names_en = [c["name"]] + [c[k] for k in ("common_name", "official_name") if k in c]
    seen = set()
    for lang in LANGS:
        for n in names_en:
            t = n if lang == "en" else tr[lang].gettext(n)
            if lang != "en" and t == n:
                continue  # untranslated fallback: the English row covers it
            if "," in t or "(" in t or t.lower() in seen:
                continue
            seen.add(t.lower())
            add(code, "country", code, lang, t, ISO_SRC, "yes")
    for lang, extra in zip(LANGS, EXTRA.get(code, ("", "", "", ""))):
        for n in extra.split(";"):
            if n.strip().lstrip("=").rstrip("*").lower() in seen:
                continue
            seen.add(n.strip().lstrip("=").rstrip("*").lower())
            add(code, "country", code, lang, n, CUR, "no")
for key, members, src, names in REGIONS:
    seen = set()
    for lang, ns in zip(LANGS, names):
        for n in ns.split(";"):
            if n.strip().lower() in seen:
                continue
            seen.add(n.strip().lower())
            add(key, "region", members, lang, n, src, "no")
for key, src, names in HUSBANDRY:
    for lang, ns in zip(LANGS, names):
        for n in ns.split(";"):
            add(key, "husbandry", key, lang, n, src, "no")

w = csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n")
w.writerow(["key", "kind", "members", "lang", "name", "match", "source", "verified"])
w.writerows(rows)
print(len(rows), "rows", file=sys.stderr)
