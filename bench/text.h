/*
 * bench: Kazakh text for generated complaints, shared by gen.c and
 * storelimit.c, and a seeded PRNG so that every run writes the same rows.
 */
#ifndef BENCH_TEXT_H
#define BENCH_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64: small, fast, and the same on every machine. */
static inline uint64_t
bench_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline unsigned
bench_below(uint64_t *s, unsigned n)
{
	return (unsigned)(bench_rand(s) % n);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const bench_surnames[] = {
	"Әбілқасымова",
	"Нұрғалиев",
	"Жақсылықов",
	"Өтегенова",
	"Құрманғазиев",
	"Үсенова",
	"Ғабитов",
	"Іскақова",
	"Сейітқалиев",
	"Бейсенбаева",
	"Тұрсынбеков",
	"Мұхамеджанова",
	"Қасымов",
	"Әуезова",
	"Серікбаев",
	"Шәкімова",
};
static const char *const bench_names[] = {
	"Әйгерім",
	"Нұрлан",
	"Гүлназ",
	"Ерғали",
	"Сәуле",
	"Қайрат",
	"Дәурен",
	"Айгүл",
	"Ғалым",
	"Жанар",
	"Еркебұлан",
	"Меруерт",
};
static const char *const bench_patronymics[] = {
	"Серікқызы",
	"Болатұлы",
	"Қанатқызы",
	"Ержанұлы",
	"Мұратқызы",
};
static const char *const bench_streets[] = {
	"Әл-Фараби даңғылы",
	"Абай даңғылы",
	"Төле би көшесі",
	"Сәтбаев көшесі",
	"Жандосов көшесі",
	"Райымбек даңғылы",
	"Төлеби көшесі",
	"Қабанбай батыр көшесі",
};
static const char *const bench_districts[] = {
	"Бостандық ауданы",
	"Әуезов ауданы",
	"Алмалы ауданы",
	"Медеу ауданы",
	"Жетісу ауданы",
	"Түрксіб ауданы",
	"Алатау ауданы",
};
static const char *const bench_subjects[] = {
	"№ 143 мектеп-гимназия",
	"№ 12 мектеп-гимназия",
	"№ 35 жалпы білім беретін мектеп",
	"«Балбөбек» балабақшасы",
	"№ 7 мектепке дейінгі ұйым",
	"Дарынды балаларға арналған лицей",
	"№ 2 музыка мектебі",
	"Балалар шығармашылық үйі",
};
static const char *const bench_officials[] = {
	"Директор Сейітқали Б.Қ.",
	"Меңгеруші Жұмабаева Г.Т.",
	"Директордың орынбасары Омаров Д.Е.",
};
static const char *const bench_channels[] = {
	"post",
	"in-person",
	"electronic",
	"phone",
};
static const char *const bench_reasons[] = {
	"Баламды бірінші сыныпқа қабылдау туралы өтінішім заңда "
	"белгіленген мерзімде қаралмады.",
	"Құжаттарды қабылдаған қызметкер қолхат бермеді және өтініштің "
	"тіркелгенін растамады.",
	"Мектепке дейінгі ұйымға жолдама беру кезегі негізсіз өзгертілді, "
	"бұл туралы маған ешкім хабарламады.",
	"Білім туралы құжаттың телнұсқасын беру мерзімі бұзылды, бір айдан "
	"астам уақыт өтті.",
	"Ыстық тамақпен қамтамасыз ету туралы өтінішіме жауап ұсынылған жоқ.",
	"Қызметкер өтінішті қабылдаудан бас тартты және бас тарту себебін "
	"жазбаша түсіндірмеді.",
	"Баламның үйде оқыту туралы құжаттары жоғалып кетті, қайта тапсыруды "
	"талап етті.",
	"Мемлекеттік көрсетілетін қызмет стандартында көрсетілмеген қосымша "
	"құжаттар талап етілді.",
	"Тасымалдау қызметі туралы өтінішім бойынша шешім қабылданбады, "
	"балам мектепке жете алмай жүр.",
	"Конкурстық құжаттамада көрсетілген талаптар жарияланған "
	"ережеге сәйкес келмейді.",
};
static const char *const bench_demands[] = {
	"Өтінішімді қарап, баламды мектепке қабылдауды сұраймын.",
	"Шешімді қайта қарауды және жауапты қызметкерге шара қолдануды "
	"сұраймын.",
	"Құжаттарды заңда белгіленген мерзімде беруді талап етемін.",
	"Маған жазбаша жауап беруіңізді сұраймын.",
};
static const char *const bench_registrars[] = {
	"Жұмабекова Динара Асқарқызы",
	"Серікбаева Айгүл",
	"Оспанов Ерлан Маратұлы",
};
static const char *const bench_positions[] = {
	"кіріс хат-хабарлар жөніндегі маман",
	"бас маман",
	"іс жүргізуші",
};
/* The bodies of the first migration, weighted: district offices most. */
static const char *const bench_bodies[] = {
	"almaty-alatau",
	"almaty-almaly",
	"almaty-auezov",
	"almaty-bostandyk",
	"almaty-zhetysu",
	"almaty-medeu",
	"almaty-turksib",
	"almaty-edu",
	"mes",
};
static const unsigned bench_body_weight[] = {
	14,
	13,
	16,
	15,
	12,
	11,
	11,
	6,
	2,
};

static inline unsigned
bench_body_pick(uint64_t *s)
{
	unsigned total = 0, r, i;

	for (i = 0; i < NELEM(bench_body_weight); i++)
		total += bench_body_weight[i];
	r = bench_below(s, total);
	for (i = 0; i < NELEM(bench_body_weight); i++) {
		if (r < bench_body_weight[i])
			return i;
		r -= bench_body_weight[i];
	}
	return 0;
}

/* Appends n sentences of reasons to dst (size cap), space-separated. */
static inline void
bench_reasons_text(uint64_t *s, int n, char *dst, size_t size)
{
	size_t len = 0, k;
	const char *p;

	dst[0] = '\0';
	for (int i = 0; i < n; i++) {
		p = bench_reasons[bench_below(s, NELEM(bench_reasons))];
		k = 0;
		while (p[k])
			k++;
		if (len + k + 2 >= size)
			break;
		if (len)
			dst[len++] = ' ';
		for (size_t j = 0; j < k; j++)
			dst[len++] = p[j];
		dst[len] = '\0';
	}
}

#endif /* BENCH_TEXT_H */
