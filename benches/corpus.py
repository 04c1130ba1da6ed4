#!/usr/bin/env python3
"""feedfold's benchmark corpus: a deterministic newsroom archive in Arabic and English.

Writes --n article files, the way a newsroom desk drops them into feeds/:

  * plain text (.txt), the newsroom format: the title on line 1, the lede on line 2, then
    one paragraph per line, with now and then a short subheading line (at most 8 words, no
    closing punctuation); a file with a lead image starts with a front matter block that
    holds only `image:`;
  * Markdown (.md) with YAML front matter (title, date, author, tags, summary, lang and,
    for a share of the articles, image), "## " subheadings, emphasis, links, bullet
    lists and block quotes.

The text is made from sentence templates over a newsroom vocabulary per desk (world,
economy, culture, sport, technology, health): officials and residents quoted by name,
places, figures and dates, in Arabic (with Arabic punctuation ، ؛ ؟ and «» quotes, and
Arabic-Indic digits in some articles) and in English. Each article is 3-8 KB of UTF-8.

Article i is dated 2019-01-01T00:00:00Z + i x --spacing-minutes (Markdown: front matter
`date`; every file: its modification time), so dates increase with i. At the default,
60 minutes, article 60,000 is dated November 2025; articles dated after the present are
scheduled by feedfold, not published (--spacing-minutes 30 keeps 100,000 in 2019-2024).

Every article comes from its own random generator seeded by (--seed, i): article i is
the same whatever --n and --start are, and the same on every machine (Python 3, standard
library only).

--channels K spreads the articles over K desks (OUT/<desk>/, each with a channel.toml);
the default, 0, writes every article directly into OUT.

--hugo-out DIR writes the same corpus as a Hugo site (DIR/content/<section>/, the section
being "posts" or the desk; an article with an image becomes a page bundle holding it) and
a config.toml when DIR has none: by default a site whose only output is the home RSS feed
(every article in it, rendered but without pages of their own); with --hugo-pages, one
doing the work of a full publish: a page per article, home, section and tag pages, and
their RSS feeds (50 items, feedfold's default feed.limit).

Usage:
  corpus.py --n 10000 --out /tmp/bench/site/feeds/news --seed 1
            [--start 0] [--spacing-minutes 60] [--md-ratio 0.5] [--ar-ratio 0.5]
            [--image-ratio 0] [--channels 0] [--hugo-out DIR [--hugo-pages]] [--stats]
"""

import argparse
import datetime as dt
import json
import os
import random
import struct
import sys
import zlib

EPOCH = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)
BYTES = (3000, 8000)

# --------------------------------------------------------------------------------------
# Vocabulary. Arabic templates are written so that no verb has to agree with a slot:
# slots stand where gender does not matter (after a preposition, in an idafa, as the
# object), and named people carry their gender with them.
# --------------------------------------------------------------------------------------

DESKS = {
    "world": {
        "en": {
            "name": "World",
            "topics": ["the ceasefire talks", "the border crossing", "the refugee agreement",
                       "the regional summit", "the new trade corridor",
                       "the election monitors' report", "the water-sharing treaty",
                       "the aid convoy"],
            "orgs": ["the foreign ministry", "the UN refugee agency",
                     "the electoral commission", "the regional bloc",
                     "the Red Crescent society"],
            "people": ["aid workers", "diplomats", "voters", "displaced families",
                       "observers"],
            "tags": ["diplomacy", "elections", "refugees", "borders", "summit"],
        },
        "ar": {
            "name": "العالم",
            "topics": ["محادثات وقف إطلاق النار", "المعبر الحدودي", "اتفاق اللاجئين",
                       "القمة الإقليمية", "الممر التجاري الجديد", "تقرير مراقبي الانتخابات",
                       "معاهدة تقاسم المياه", "قافلة المساعدات"],
            "orgs": ["وزارة الخارجية", "المفوضية السامية لشؤون اللاجئين",
                     "الهيئة العليا للانتخابات", "التكتل الإقليمي", "جمعية الهلال الأحمر"],
            "people": ["عمال الإغاثة", "الدبلوماسيين", "الناخبين", "الأسر النازحة",
                       "المراقبين"],
            "tags": ["دبلوماسية", "انتخابات", "لاجئون", "حدود", "قمة"],
        },
    },
    "economy": {
        "en": {
            "name": "Economy",
            "topics": ["fuel prices", "the budget deficit", "the small-business loan scheme",
                       "the new port terminal", "rent controls", "the minimum wage rise",
                       "the bread subsidy", "the central bank's rate decision"],
            "orgs": ["the finance ministry", "the central bank", "the chamber of commerce",
                     "the statistics office", "the port authority"],
            "people": ["shop owners", "farmers", "tenants", "exporters", "pensioners"],
            "tags": ["economy", "inflation", "jobs", "trade", "budget"],
        },
        "ar": {
            "name": "اقتصاد",
            "topics": ["أسعار الوقود", "عجز الموازنة", "برنامج قروض المشاريع الصغيرة",
                       "محطة الميناء الجديدة", "ضبط الإيجارات", "رفع الحد الأدنى للأجور",
                       "دعم الخبز", "قرار البنك المركزي بشأن الفائدة"],
            "orgs": ["وزارة المالية", "البنك المركزي", "غرفة التجارة", "دائرة الإحصاءات العامة",
                     "سلطة الموانئ"],
            "people": ["أصحاب المحال", "المزارعين", "المستأجرين", "المصدّرين", "المتقاعدين"],
            "tags": ["اقتصاد", "تضخم", "وظائف", "تجارة", "موازنة"],
        },
    },
    "culture": {
        "en": {
            "name": "Culture",
            "topics": ["the book fair", "the restoration of the old souk",
                       "the film festival", "the national library's digital archive",
                       "the music conservatory's new season", "the translation prize"],
            "orgs": ["the culture ministry", "the national museum", "the writers' union",
                     "the city theatre", "the festival committee"],
            "people": ["publishers", "artists", "students", "booksellers", "visitors"],
            "tags": ["books", "film", "music", "heritage", "arts"],
        },
        "ar": {
            "name": "ثقافة",
            "topics": ["معرض الكتاب", "ترميم السوق القديم", "مهرجان السينما",
                       "الأرشيف الرقمي للمكتبة الوطنية", "الموسم الجديد للمعهد الموسيقي",
                       "جائزة الترجمة"],
            "orgs": ["وزارة الثقافة", "المتحف الوطني", "اتحاد الكتّاب", "مسرح المدينة",
                     "لجنة المهرجان"],
            "people": ["الناشرين", "الفنانين", "الطلاب", "باعة الكتب", "الزوار"],
            "tags": ["كتب", "سينما", "موسيقى", "تراث", "فنون"],
        },
    },
    "sport": {
        "en": {
            "name": "Sport",
            "topics": ["the league final", "the new stadium", "the marathon route",
                       "the youth academy", "the Olympic qualifiers", "the transfer window"],
            "orgs": ["the football federation", "the Olympic committee", "the league",
                     "the sports ministry", "the club's board"],
            "people": ["fans", "players", "coaches", "season-ticket holders", "runners"],
            "tags": ["football", "athletics", "olympics", "league", "stadiums"],
        },
        "ar": {
            "name": "رياضة",
            "topics": ["نهائي الدوري", "الملعب الجديد", "مسار الماراثون", "أكاديمية الناشئين",
                       "التصفيات الأولمبية", "فترة الانتقالات"],
            "orgs": ["اتحاد كرة القدم", "اللجنة الأولمبية", "رابطة الدوري", "وزارة الشباب والرياضة",
                     "مجلس إدارة النادي"],
            "people": ["المشجعين", "اللاعبين", "المدربين", "حاملي التذاكر الموسمية", "العدّائين"],
            "tags": ["كرة القدم", "ألعاب القوى", "أولمبياد", "الدوري", "ملاعب"],
        },
    },
    "technology": {
        "en": {
            "name": "Technology",
            "topics": ["the national broadband plan", "the e-government portal",
                       "the data protection law", "the solar microgrid pilot",
                       "the coding bootcamp", "the 5G rollout"],
            "orgs": ["the telecoms regulator", "the digital economy ministry",
                     "the university's computing lab", "the startup incubator",
                     "the cybersecurity centre"],
            "people": ["developers", "students", "small businesses", "subscribers",
                       "engineers"],
            "tags": ["technology", "internet", "privacy", "startups", "energy"],
        },
        "ar": {
            "name": "تقنية",
            "topics": ["الخطة الوطنية للإنترنت السريع", "بوابة الحكومة الإلكترونية",
                       "قانون حماية البيانات", "مشروع الشبكة الشمسية التجريبي",
                       "معسكر تعليم البرمجة", "إطلاق شبكات الجيل الخامس"],
            "orgs": ["هيئة تنظيم الاتصالات", "وزارة الاقتصاد الرقمي", "مختبر الحوسبة في الجامعة",
                     "حاضنة الشركات الناشئة", "المركز الوطني للأمن السيبراني"],
            "people": ["المطورين", "الطلاب", "أصحاب الأعمال الصغيرة", "المشتركين", "المهندسين"],
            "tags": ["تقنية", "إنترنت", "خصوصية", "شركات ناشئة", "طاقة"],
        },
    },
    "health": {
        "en": {
            "name": "Health",
            "topics": ["the vaccination campaign", "the new children's hospital",
                       "the nurses' pay deal", "the clean water programme",
                       "the heatwave warning", "hospital waiting lists"],
            "orgs": ["the health ministry", "the nurses' union", "the WHO office",
                     "the university hospital", "the civil defence"],
            "people": ["patients", "nurses", "parents", "doctors", "older residents"],
            "tags": ["health", "hospitals", "vaccines", "water", "climate"],
        },
        "ar": {
            "name": "صحة",
            "topics": ["حملة التطعيم", "مستشفى الأطفال الجديد", "اتفاق أجور الممرضين",
                       "برنامج المياه النظيفة", "التحذير من موجة الحر", "قوائم الانتظار في المستشفيات"],
            "orgs": ["وزارة الصحة", "نقابة الممرضين", "مكتب منظمة الصحة العالمية",
                     "المستشفى الجامعي", "الدفاع المدني"],
            "people": ["المرضى", "الممرضين", "الأهالي", "الأطباء", "كبار السن"],
            "tags": ["صحة", "مستشفيات", "لقاحات", "مياه", "مناخ"],
        },
    },
}
DESK_ORDER = ["world", "economy", "culture", "sport", "technology", "health"]

EN = {
    # Always followed by a verb: an apposition carries its closing comma.
    "people": [("Finance Minister Laila Haddad", "f"), ("Mayor Tom Becker", "m"),
               ("Dr Priya Natarajan, who leads the project,", "f"),
               ("Samuel Okafor, a spokesman for the ministry,", "m"),
               ("Elena Rossi, an economist at the university,", "f"),
               ("Omar Khatib, the committee's chairman,", "m"),
               ("Hannah Lindqvist, a local councillor,", "f"),
               ("David Chen, the project's chief engineer,", "m")],
    "authors": ["Jane Holloway", "Marcus Reed", "Priya Natarajan", "Tom Becker",
                "Elena Rossi", "Samuel Okafor", "Hannah Lindqvist", "David Chen",
                "Nadia Karim", "Yusuf Hassan"],
    "places": ["Amman", "Cairo", "Beirut", "Tunis", "Casablanca", "Rotterdam", "Lisbon",
               "Nairobi", "Manchester", "Toronto", "Marseille", "the northern districts",
               "the old city", "the coastal towns"],
    "past": ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday",
             "last week", "earlier this month", "this morning", "late on Sunday"],
    "future": ["by the end of the year", "within weeks", "next spring",
               "in the third quarter", "before the summer", "next month"],
    "quotes": ["We cannot wait another year for this", "The numbers speak for themselves",
               "This is a first step, not the last one",
               "People want to see results on the ground",
               "Nobody expected it to move this fast", "We listened, and we changed the plan",
               "It has to work for the smallest towns too"],
    "counts": ["families have been affected", "people have applied for support",
               "jobs have been created", "complaints have been filed",
               "volunteers have signed up"],
    "fut_vp": ["be delayed", "go ahead as planned", "cost more than expected",
               "be reviewed", "reach the remaining districts", "be put to a vote"],
    "pres_vp": ["remains the first priority", "is moving faster than expected",
                "needs wider support", "faces serious funding gaps",
                "has already changed daily life"],
    "org_vp": ["approved", "postponed", "announced changes to", "rejected a plan for",
               "expanded", "reviewed"],
    "crit": ["came too late", "ignores smaller towns", "will cost too much",
             "was rushed through"],
    "feel": ["have mixed feelings about", "have long waited for", "remain sceptical of",
             "have welcomed"],
    "then": ["say they will wait and see", "have already felt the difference",
             "are still waiting for the details"],
    "state": ["a turning point", "long overdue", "unlikely to change much before the summer",
              "a test for the government"],
    "ordinal": ["second", "third", "fourth"],
    "pp": ["revised", "postponed", "discussed", "defended"],
    "subheads": ["What comes next", "The cost of {topic}", "A long road",
                 "Voices from {place}", "Behind the numbers", "Reaction in {place}",
                 "How we got here"],
    "titles": ["{Place} braces for {topic}", "What {topic} could mean for {people}",
               "{Topic} delayed again as costs rise", "Q&A: {topic}, explained",
               "{Place} residents divided over {topic}",
               "\u201c{quote}\u201d: {place} reacts to {topic}",
               "{Org} backs {topic} after months of debate",
               "Five things to know about {topic}"],
    "list_intro": "Key facts:",
}

AR = {
    "people": [("وزيرة المالية ليلى حداد", "f"), ("رئيس البلدية يوسف الحسن", "m"),
               ("الدكتورة مريم العلي، مديرة المشروع", "f"),
               ("المتحدث باسم الوزارة عمر الخطيب", "m"),
               ("الخبيرة الاقتصادية فاطمة الزهراء", "f"),
               ("رئيس اللجنة خالد عبد الله", "m"),
               ("عضوة المجلس البلدي سارة النجار", "f"),
               ("كبير مهندسي المشروع أحمد المصري", "m")],
    "authors": ["أحمد المصري", "فاطمة الزهراء", "يوسف الحسن", "ليلى منصور", "عمر الخطيب",
                "مريم العلي", "خالد عبد الله", "سارة النجار", "نادية كريم", "سامر حداد"],
    "places": ["عمّان", "القاهرة", "بيروت", "تونس", "الدار البيضاء", "الدوحة", "مسقط",
               "بغداد", "الرباط", "الخرطوم", "الأحياء الشمالية", "البلدة القديمة",
               "المدن الساحلية"],
    "past": ["يوم الاثنين", "يوم الثلاثاء", "يوم الأربعاء", "يوم الخميس", "يوم الجمعة",
             "الأسبوع الماضي", "مطلع الشهر الجاري", "صباح اليوم", "مساء الأحد"],
    "future": ["بحلول نهاية العام", "خلال الأسابيع المقبلة", "في الربيع المقبل",
               "في الربع الثالث", "قبل حلول الصيف", "الشهر المقبل"],
    "quotes": ["لا يمكننا الانتظار عامًا آخر", "الأرقام تتحدث عن نفسها",
               "هذه خطوة أولى وليست الأخيرة", "الناس يريدون أن يروا نتائج على الأرض",
               "لم يتوقع أحد أن تسير الأمور بهذه السرعة", "استمعنا إلى الناس وعدّلنا الخطة",
               "يجب أن ينجح هذا في أصغر البلدات أيضًا"],
    "counts": [("تضررت", "أسرة"), ("تقدم بطلبات الدعم", "شخص"), ("استُحدثت", "وظيفة"),
               ("قُدّمت", "شكوى"), ("تطوع", "شاب")],
    "fut_vp": ["سيتأخر", "سيمضي كما هو مخطط له", "سيكلف أكثر من المتوقع",
               "سيخضع للمراجعة", "سيصل إلى بقية الأحياء", "سيُطرح للتصويت"],
    "pres_vp": ["يبقى الأولوية الأولى", "يتقدم أسرع من المتوقع", "يحتاج إلى دعم أوسع",
                "يواجه فجوات كبيرة في التمويل", "غيّر الحياة اليومية بالفعل"],
    "crit": ["جاءت متأخرة", "تتجاهل البلدات الصغيرة", "ستكلف الكثير", "اتُّخذت على عجل"],
    "then": ["ينتظرون التفاصيل", "لمسوا الفرق بالفعل", "يفضلون الانتظار قبل الحكم"],
    "state": ["يمثل نقطة تحول", "جاء متأخرًا", "لن يتغير كثيرًا قبل الصيف",
              "يشكل اختبارًا للحكومة"],
    "ordinal": ["الثانية", "الثالثة", "الرابعة"],
    "subheads": ["ما الخطوة التالية", "كلفة {topic}", "طريق طويل", "أصوات من {place}",
                 "ما وراء الأرقام", "ردود الفعل في {place}", "كيف وصلنا إلى هنا"],
    "titles": ["{place} تستعد {li_topic}", "{topic}: ماذا يعني ذلك {li_people}؟",
               "تأجيل جديد في ملف {topic} مع ارتفاع التكاليف",
               "أسئلة وأجوبة: كل ما تريد معرفته عن {topic}",
               "سكان {place} منقسمون حول {topic}", "«{quote}»: ردود فعل في {place} على {topic}",
               "{org}: ضوء أخضر {li_topic} بعد أشهر من النقاش", "خمسة أمور ينبغي معرفتها عن {topic}"],
    "list_intro": "أبرز الأرقام:",
}

AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def ar_li(np):
    """The preposition لـ joined to a noun phrase (لل before the article ال)."""
    return "لل" + np[2:] if np.startswith("ال") else "ل" + np


def ar_bi(np):
    return "ب" + np


def said(lang, gender, verb):
    if lang == "en":
        return verb
    forms = {"said": ("قال", "قالت"), "added": ("أضاف", "أضافت"), "stressed": ("أكد", "أكدت")}
    return forms[verb][gender == "f"]


class Writer:
    """Text for one article: one desk, one main topic, one place and one person, so that
    the paragraphs read as one story."""

    def __init__(self, rng, lang, desk, arabic_digits):
        self.rng = rng
        self.lang = lang
        self.v = EN if lang == "en" else AR
        self.d = DESKS[desk][lang]
        self.digits = arabic_digits
        self.topic = rng.choice(self.d["topics"])
        self.place = rng.choice(self.v["places"])
        self.person, self.gender = rng.choice(self.v["people"])
        self.recent = []  # the templates used last, not drawn again too soon

    def pick(self, key):
        return self.rng.choice(self.v[key])

    def num(self, lo, hi):
        n = self.rng.randint(lo, hi)
        if self.lang == "en":
            return f"{n:,}"
        text = str(n)
        return text.translate(AR_DIGITS) if self.digits else text

    def percent(self):
        p = f"{self.rng.randint(2, 40)}.{self.rng.randint(0, 9)}"
        if self.lang == "en":
            return p + " percent"
        if self.digits:
            p = p.translate(AR_DIGITS).replace(".", "٫")
        return p + " في المئة"

    def slots(self):
        """Fresh values for every slot; the story's own topic, place and person most often."""
        r = self.rng
        topic = self.topic if r.random() < 0.45 else r.choice(self.d["topics"])
        place = self.place if r.random() < 0.5 else self.pick("places")
        person, gender = ((self.person, self.gender) if r.random() < 0.5
                          else r.choice(self.v["people"]))
        return {
            "topic": topic, "place": place, "person": person, "gender": gender,
            "org": r.choice(self.d["orgs"]), "people": r.choice(self.d["people"]),
            "past": self.pick("past"), "future": self.pick("future"),
            "quote": self.pick("quotes"),
        }

    def sentence(self):
        return (self._en if self.lang == "en" else self._ar)(self.slots())

    def template(self, choices):
        """One of `choices`, never one of the last five drawn."""
        fresh = [k for k in range(len(choices)) if k not in self.recent]
        k = self.rng.choice(fresh)
        self.recent = (self.recent + [k])[-5:]
        return choices[k]()

    def _en(self, s):
        r, p = self.rng, self.pick
        choices = [
            lambda: f"{s['person']} said {s['past']} that {s['topic']} would {p('fut_vp')} "
                    f"{s['future']}.",
            lambda: f"Speaking in {s['place']}, {s['person']} said {s['topic']} "
                    f"{p('pres_vp')}.",
            lambda: f"\u201c{s['quote']},\u201d {s['person']} told reporters in {s['place']}.",
            lambda: f"According to {s['org']}, more than {self.num(120, 40000)} "
                    f"{p('counts')} since the start of the year.",
            lambda: f"{s['org']} {p('org_vp')} {s['topic']} {s['past']}, after months of "
                    f"debate.",
            lambda: f"Critics argue that {s['topic']} {p('crit')}, while supporters point to "
                    f"a rise of {self.percent()} in applications.",
            lambda: f"The figures, published {s['past']}, show a "
                    f"{r.choice(['rise', 'fall'])} of {self.percent()} compared with last "
                    f"year.",
            lambda: f"Residents of {s['place']} {p('feel')} {s['topic']}, and many "
                    f"{s['people']} {p('then')}.",
            lambda: f"Officials expect {s['topic']} to {p('fut_vp')} {s['future']}.",
            lambda: f"{s['org']} declined to comment on {s['topic']}.",
            lambda: f"Analysts in {s['place']} called {s['topic']} {p('state')}.",
            lambda: f"It is the {p('ordinal')} time this year that {s['org']} has "
                    f"{p('pp')} {s['topic']}.",
            lambda: f"Is this {p('state')}? Not everyone in {s['place']} is sure.",
            lambda: f"The plan would cost about {self.num(3, 900)} million dollars over "
                    f"{self.num(2, 10)} years, {s['org']} said.",
        ]
        text = self.template(choices)
        return text[0].upper() + text[1:]

    def _ar(self, s):
        r, p, g = self.rng, self.pick, s["gender"]
        verb, noun = r.choice(AR["counts"])
        choices = [
            lambda: f"{said('ar', g, 'said')} {s['person']} {s['past']} إن العمل على "
                    f"{s['topic']} {p('fut_vp')} {s['future']}.",
            lambda: f"وفي حديث من {s['place']}، {said('ar', g, 'stressed')} {s['person']} أن "
                    f"ملف {s['topic']} {p('pres_vp')}.",
            lambda: f"«{s['quote']}»، {said('ar', g, 'said')} {s['person']} للصحافيين في "
                    f"{s['place']}.",
            lambda: f"وبحسب {s['org']}، {verb} أكثر من {self.num(120, 40000)} {noun} منذ "
                    f"مطلع العام.",
            lambda: f"وجاء قرار {s['org']} بشأن {s['topic']} {s['past']} بعد أشهر من النقاش.",
            lambda: f"ويرى منتقدون أن الخطوة المتعلقة {ar_bi(s['topic'])} {p('crit')}، في حين "
                    f"يشير المؤيدون إلى ارتفاع الطلبات بنسبة {self.percent()}.",
            lambda: f"وتُظهر الأرقام التي نُشرت {s['past']} "
                    f"{r.choice(['ارتفاعًا', 'تراجعًا'])} بنسبة {self.percent()} مقارنة "
                    f"بالعام الماضي.",
            lambda: f"ويتابع سكان {s['place']} ملف {s['topic']} بمشاعر مختلطة، ويقول كثير من "
                    f"{s['people']} إنهم {p('then')}.",
            lambda: f"ويتوقع مسؤولون أن تتضح صورة {s['topic']} {s['future']}.",
            lambda: f"ولم يتسنَّ الحصول على تعليق من {s['org']} بشأن {s['topic']}.",
            lambda: f"وقال محللون في {s['place']} إن ما يجري في ملف {s['topic']} "
                    f"{p('state')}.",
            lambda: f"وهذه هي المرة {p('ordinal')} هذا العام التي يُطرح فيها ملف "
                    f"{s['topic']} للنقاش؛ والسؤال في {s['place']} واحد: ماذا بعد؟",
            lambda: f"{said('ar', g, 'added')} {s['person']} أن كلفة الخطة تبلغ نحو "
                    f"{self.num(3, 900)} مليون دولار على مدى {self.num(3, 10)} سنوات.",
        ]
        return self.template(choices)

    def paragraph(self, lo=2, hi=5):
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def title(self):
        s = self.slots()
        topic, org = s["topic"], s["org"]
        fields = {
            "topic": topic, "Topic": topic[0].upper() + topic[1:], "place": s["place"],
            "Place": s["place"][0].upper() + s["place"][1:], "people": s["people"],
            "quote": s["quote"], "org": org, "Org": org[0].upper() + org[1:],
            "li_topic": ar_li(topic), "li_people": ar_li(s["people"]),
        }
        return self.pick("titles").format(**fields)

    def subheading(self):
        s = self.slots()
        text = self.pick("subheads").format(topic=s["topic"], place=s["place"])
        # At most 8 words, or a plain-text reader takes it for a paragraph.
        return text if len(text.split()) <= 8 else self.v["subheads"][0]

    def tags(self):
        own = self.d["tags"]
        return self.rng.sample(own, self.rng.randint(1, 3))


# --------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------


def article(args, i):
    """Article i, from its own generator: the same whatever --n and --start are."""
    rng = random.Random(f"feedfold-corpus/{args.seed}/{i}")
    lang = "ar" if rng.random() < args.ar_ratio else "en"
    fmt = "md" if rng.random() < args.md_ratio else "txt"
    has_image = rng.random() < args.image_ratio
    desks = DESK_ORDER[:args.channels] if args.channels else DESK_ORDER
    desk = rng.choice(desks)
    w = Writer(rng, lang, desk, lang == "ar" and rng.random() < 0.3)
    title = w.title()
    lede = w.paragraph(2, 2)
    target = rng.randint(*BYTES)
    size = len(title.encode()) + len(lede.encode()) + 2
    if fmt == "md":
        size += size + 150  # front matter: title, summary and the other keys
    blocks, since_heading = [], 0
    while True:
        if since_heading >= 2 and rng.random() < 0.2:
            block = ("h", w.subheading())
            since_heading = 0
        elif fmt == "md" and rng.random() < 0.06:
            block = ("ul", [w.sentence() for _ in range(rng.randint(2, 4))])
        elif fmt == "md" and rng.random() < 0.05:
            block = ("quote", w.sentence())
        else:
            block = ("p", w.paragraph())
            since_heading += 1
        grows = len(json.dumps(block, ensure_ascii=False).encode())
        if size + grows > BYTES[1] - 300:
            if size >= BYTES[0]:
                break
            continue
        blocks.append(block)
        size += grows
        if size >= target:
            break
    while blocks and blocks[-1][0] == "h":
        blocks.pop()
    author = rng.choice(w.v["authors"])
    tags = w.tags()
    return {
        "i": i, "lang": lang, "fmt": fmt, "desk": desk, "title": title, "lede": lede,
        "blocks": blocks, "author": author, "tags": tags,
        "date": EPOCH + dt.timedelta(minutes=args.spacing_minutes * i),
        "image": f"a{i:06d}.png" if has_image else None,
        "color": (rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        "decor": f"feedfold-corpus/{args.seed}/{i}/markdown",
    }


def yaml_str(text):
    return json.dumps(text, ensure_ascii=False)


def front_matter(a):
    lines = ["---", f"title: {yaml_str(a['title'])}", f"date: {a['date'].isoformat()}",
             f"author: {yaml_str(a['author'])}",
             "tags: [" + ", ".join(yaml_str(t) for t in a["tags"]) + "]",
             f"summary: {yaml_str(a['lede'])}", f"lang: {a['lang']}"]
    if a["image"]:
        lines.append(f"image: {a['image']}")
    return "\n".join(lines + ["---", ""])


def decorate(rng, text, lang):
    """Now and then bold a phrase or link one to an earlier story."""
    words = text.split(" ")
    if len(words) > 8 and rng.random() < 0.3:
        j = rng.randrange(len(words) - 1)
        if words[j].isalpha():
            words[j] = f"**{words[j]}**"
    if len(words) > 12 and rng.random() < 0.2:
        j = rng.randrange(len(words) - 2)
        pair = words[j] + words[j + 1]
        if not any(c in pair for c in "*[]()«»\u201c\u201d.,،؛؟?"):
            words[j] = "[" + words[j]
            words[j + 1] += f"](https://example.com/{lang}/archive/{rng.randint(1, 99999)})"
    return " ".join(words)


def markdown_body(a):
    rng, lang = random.Random(a["decor"]), a["lang"]
    out = [a["lede"], ""]
    for kind, value in a["blocks"]:
        if kind == "h":
            out += [f"## {value}", ""]
        elif kind == "ul":
            intro = (EN if lang == "en" else AR)["list_intro"]
            out += [intro, ""] + [f"- {item}" for item in value] + [""]
        elif kind == "quote":
            out += [f"> {value}", ""]
        else:
            out += [decorate(rng, value, lang), ""]
    return "\n".join(out)


def render(a):
    """The file as a desk writes it into feeds/."""
    if a["fmt"] == "md":
        return front_matter(a) + "\n" + markdown_body(a)
    lines = [a["title"], a["lede"]]
    for kind, value in a["blocks"]:
        lines.append(value if kind != "ul" else " ".join(value))
    head = f"---\nimage: {a['image']}\n---\n" if a["image"] else ""
    return head + "\n".join(lines) + "\n"


def render_hugo(a):
    """The same article for Hugo: front matter always, subheadings as "## "."""
    if a["fmt"] == "md":
        return front_matter(a) + "\n" + markdown_body(a)
    body = [a["lede"], ""]
    for kind, value in a["blocks"]:
        body += [f"## {value}" if kind == "h" else value, ""]
    return front_matter(a) + "\n" + "\n".join(body)


def png(width, height, color):
    """A small valid PNG: an 8-bit RGB gradient from `color`."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes(((c + 8 * x + 4 * y) % 256) for c in color)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def write(path, data, mtime):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.utime(path, (mtime, mtime))


# --------------------------------------------------------------------------------------
# Hugo
# --------------------------------------------------------------------------------------

HUGO_FEED_ONLY = """\
# The corpus as a Hugo site whose only output is the home RSS feed, holding every article.
baseURL = "https://bench.example.org/"
title = "Bench"
languageCode = "en"
buildFuture = true
disableKinds = ["section", "taxonomy", "term", "sitemap", "robotsTXT", "404"]
[outputs]
  home = ["RSS"]
[services.rss]
  limit = -1
# Articles are rendered into the feed and get permalinks, but no page of their own.
[[cascade]]
  [cascade._build]
    render = "link"
    list = "always"
  [cascade._target]
    kind = "page"
"""

HUGO_PAGES = """\
# The corpus as a Hugo site doing what a full publish does: a page per article; the home
# page, one per section and one per tag, each with its RSS feed of the 50 newest.
baseURL = "https://bench.example.org/"
title = "Bench"
languageCode = "en"
buildFuture = true
disableKinds = ["sitemap", "robotsTXT", "404"]
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
  term = ["HTML", "RSS"]
  taxonomy = ["HTML"]
[services.rss]
  limit = 50
[taxonomies]
  tag = "tags"
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html>\n<html lang="{{ with .Params.lang }}{{ . }}{{ else }}'
        '{{ site.LanguageCode }}{{ end }}"{{ if eq .Params.lang "ar" }} dir="rtl"{{ end }}>\n'
        '<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>\n'
        '{{ range .AlternativeOutputFormats }}<link rel="alternate" type="{{ .MediaType.Type }}"'
        ' href="{{ .Permalink }}">{{ end }}</head>\n'
        '<body><header><a href="{{ site.BaseURL }}">{{ site.Title }}</a></header>\n'
        '<main>{{ block "main" . }}{{ end }}</main></body>\n</html>\n'),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>\n'
        '<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">'
        '{{ .Date.Format "2006-01-02" }}</time> {{ .Params.author }}</p>\n'
        '{{ with .Params.image }}<img src="{{ . }}" alt="">{{ end }}\n'
        '{{ .Content }}\n<p>{{ range .Params.tags }}<a href="{{ "tags/" | relURL }}'
        '{{ . | urlize }}/">{{ . }}</a> {{ end }}</p></article>{{ end }}\n'),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range first 50 .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}'
        '<p>{{ .Summary }}</p></li>{{ end }}</ul>{{ end }}\n'),
}


def hugo_setup(args):
    config = os.path.join(args.hugo_out, "config.toml")
    if not os.path.exists(config):
        write(config, HUGO_PAGES if args.hugo_pages else HUGO_FEED_ONLY, EPOCH.timestamp())
    if args.hugo_pages:
        for rel, text in HUGO_LAYOUTS.items():
            write(os.path.join(args.hugo_out, "layouts", rel), text, EPOCH.timestamp())


# --------------------------------------------------------------------------------------


def channel_toml(desk):
    en, ar = DESKS[desk]["en"]["name"], DESKS[desk]["ar"]["name"]
    return (f'title = "{ar} | {en}"\n'
            f'description = "أخبار {ar} / {en} news"\n')


def ratio(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--n", type=int, required=True, help="number of articles")
    ap.add_argument("--out", required=True, help="folder the articles are written to")
    ap.add_argument("--seed", type=int, default=1, help="the same seed gives the same corpus")
    ap.add_argument("--start", type=int, default=0, help="index of the first article")
    ap.add_argument("--spacing-minutes", type=int, default=60,
                    help="minutes between consecutive articles' dates, from 2019-01-01")
    ap.add_argument("--md-ratio", type=ratio, default=0.5, help="share of Markdown files")
    ap.add_argument("--ar-ratio", type=ratio, default=0.5, help="share of Arabic articles")
    ap.add_argument("--image-ratio", type=ratio, default=0.0,
                    help="share of articles with a lead image (a small PNG beside them)")
    ap.add_argument("--channels", type=int, default=0, choices=range(0, len(DESKS) + 1),
                    metavar=f"0-{len(DESKS)}",
                    help="desks to spread the articles over, one folder each (0: none)")
    ap.add_argument("--hugo-out", metavar="DIR", help="also write the corpus as a Hugo site")
    ap.add_argument("--hugo-pages", action="store_true",
                    help="with --hugo-out: article, home, section and tag pages and feeds")
    ap.add_argument("--stats", action="store_true", help="print size statistics to stderr")
    args = ap.parse_args(argv)
    if args.hugo_pages and not args.hugo_out:
        ap.error("--hugo-pages needs --hugo-out")
    if args.n < 0 or args.start < 0 or args.spacing_minutes < 0:
        ap.error("--n, --start and --spacing-minutes cannot be negative")
    return args


def main(argv=None):
    args = parse(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.channels:
        for desk in DESK_ORDER[:args.channels]:
            write(os.path.join(args.out, desk, "channel.toml"), channel_toml(desk),
                  EPOCH.timestamp())
    if args.hugo_out:
        hugo_setup(args)
    sizes, langs, fmts, images = [], {"ar": 0, "en": 0}, {"md": 0, "txt": 0}, 0
    for i in range(args.start, args.start + args.n):
        a = article(args, i)
        name = f"a{i:06d}"
        folder = os.path.join(args.out, a["desk"]) if args.channels else args.out
        mtime = a["date"].timestamp()
        text = render(a)
        write(os.path.join(folder, f"{name}.{a['fmt']}"), text, mtime)
        image = png(16, 9, a["color"]) if a["image"] else None
        if image:
            write(os.path.join(folder, a["image"]), image, mtime)
        if args.hugo_out:
            section = a["desk"] if args.channels else "posts"
            posts = os.path.join(args.hugo_out, "content", section)
            if image:
                write(os.path.join(posts, name, "index.md"), render_hugo(a), mtime)
                write(os.path.join(posts, name, a["image"]), image, mtime)
            else:
                write(os.path.join(posts, f"{name}.md"), render_hugo(a), mtime)
        sizes.append(len(text.encode()))
        langs[a["lang"]] += 1
        fmts[a["fmt"]] += 1
        images += bool(image)
    if args.stats and sizes:
        sizes.sort()
        print(f"articles={len(sizes)} bytes={sum(sizes)} min/median/max="
              f"{sizes[0]}/{sizes[len(sizes) // 2]}/{sizes[-1]} lang={langs} fmt={fmts} "
              f"images={images}", file=sys.stderr)


if __name__ == "__main__":
    main()
