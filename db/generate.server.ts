import type postgres from "postgres";

// Synthetic but plausible Chinese catalog records for scale tests and benchmarks
// (`npm run qiao -- generate`, bench:*). Deterministic for a seed: the same options give the same
// records, byte for byte. Refs are positional and prefixed G- (G-O000001, G-X000001,
// G-N0000001, G-R0000001), so they never clash with the demo's (O-E001, N001 …) and a second
// run with larger counts adds only the missing tail. Rows are inserted in multi-row INSERTs of a
// few thousand rows, two statements in flight; no search sync is queued per row (a full
// `npm run qiao -- reindex` afterwards is far cheaper than a million queued ids).

type Sql = postgres.Sql<{ bigint: number }>;

export type GenerateOptions = {
  needs: number;
  results: number;
  experts: number;
  /** organizations (70% enterprises, 30% universities/institutes); default scales with the rest */
  orgs?: number;
  seed?: number;
  /** rows per batch (default 5000) */
  batchSize?: number;
};

export type GeneratedOrg = {
  ref: string;
  kind: "enterprise" | "university" | "institute";
  name: string;
  short_name: string | null;
  town: string | null;
  city: string;
  industry: string | null;
  description: string;
};
export type GeneratedExpert = {
  ref: string;
  org_ref: string;
  name: string;
  title: string;
  areas: string[];
  honors: string[];
  fields: string[];
  bio: string;
  status: "published";
  visibility: "public";
  published_at: string;
};
export type GeneratedNeed = {
  ref: string;
  org_ref: string;
  title: string;
  description: string;
  field: string;
  keywords: string[];
  cooperation: string[];
  budget_wan: number | null;
  deadline: string;
  status: "published" | "matched" | "closed";
  visibility: "public";
  published_at: string;
};
export type GeneratedResult = {
  ref: string;
  org_ref: string;
  lead_ref: string | null;
  title: string;
  summary: string;
  field: string;
  keywords: string[];
  maturity: string;
  ip: string;
  cooperation: string[];
  price_wan: number | null;
  status: "published" | "closed";
  visibility: "public";
  published_at: string;
};

export type GeneratedBatch =
  | { kind: "organizations"; rows: GeneratedOrg[] }
  | { kind: "experts"; rows: GeneratedExpert[] }
  | { kind: "needs"; rows: GeneratedNeed[] }
  | { kind: "results"; rows: GeneratedResult[] };

// ---- a small, fast, seedable PRNG (mulberry32) ----

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const some = <T>(xs: readonly T[], lo: number, hi: number): T[] => {
    const n = Math.min(xs.length, int(lo, hi));
    const out: T[] = [];
    while (out.length < n) {
      const x = pick(xs);
      if (!out.includes(x)) out.push(x);
    }
    return out;
  };
  const weighted = <T>(xs: readonly (readonly [T, number])[]): T => {
    let r = next() * xs.reduce((s, [, w]) => s + w, 0);
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1][0];
  };
  return { next, int, pick, some, weighted };
}
type Rng = ReturnType<typeof prng>;

// ---- vocabularies, per technology field ----

type Metric = readonly [name: string, unit: string, lo: number, hi: number];
type FieldVocab = {
  subjects: readonly string[];
  problems: readonly string[];
  techniques: readonly string[];
  aims: readonly string[];
  metrics: readonly Metric[];
  areas: readonly string[];
  industries: readonly string[];
};

const VOCAB: Record<string, FieldVocab> = {
  新能源与节能: {
    subjects: [
      "锂电池", "动力电池", "储能电池", "光伏组件", "燃料电池电堆", "电池管理系统", "充电桩", "余热回收装置", "磷酸铁锂正极", "固态电解质",
      "特高压套管", "干式变压器", "复合绝缘子",
    ],
    problems: ["低温容量衰减", "循环寿命不足", "快充发热", "一致性差", "转换效率偏低", "热失控风险", "能耗偏高", "成本过高"],
    techniques: ["表面包覆改性技术", "热管理优化方法", "高效钝化工艺", "预锂化工艺", "智能均衡控制算法", "相变储热技术", "低铂催化剂制备技术"],
    aims: ["能量密度提升", "低温性能改善", "寿命延长", "降本增效", "安全性提升"],
    metrics: [["能量密度", "Wh/kg", 150, 320], ["循环寿命", "次", 1500, 6000], ["转换效率", "%", 18, 26], ["-20℃容量保持率", "%", 55, 90]],
    areas: ["锂离子电池材料", "储能系统", "光伏电池", "氢燃料电池", "电力电子", "节能技术"],
    industries: ["新能源汽车及零部件", "光伏储能", "特高压输变电装备"],
  },
  新材料: {
    subjects: ["复合材料", "玻纤", "碳纤维预浸料", "记忆棉", "聚氨酯泡沫", "阻燃尼龙", "水性涂料", "高分子助剂", "陶瓷球", "环氧树脂"],
    problems: ["强度不足", "耐老化性能差", "冬季变硬", "阻燃等级不够", "气味超标", "浸润性差", "回收利用难", "成本偏高"],
    techniques: ["界面改性技术", "无卤阻燃配方", "宽温域黏弹性调控技术", "低VOC合成工艺", "连续纤维增强成型技术", "纳米填料分散技术"],
    aims: ["力学性能提升", "环保替代", "国产化替代", "轻量化", "耐候性提升"],
    metrics: [["拉伸强度", "MPa", 60, 900], ["氧指数", "%", 22, 35], ["玻璃化温度", "℃", 80, 180], ["VOC含量", "mg/kg", 20, 300]],
    areas: ["高分子材料", "复合材料", "功能涂层", "阻燃材料", "无机非金属材料"],
    industries: ["新材料/玻纤复合材料", "家居/记忆棉", "化工"],
  },
  先进制造与自动化: {
    subjects: ["钢球", "轴承", "PLC控制系统", "焊接机器人", "数控磨床", "液压机", "注塑模具", "立体仓库", "减速器齿轮", "制动盘"],
    problems: ["表面缺陷检测效率低", "尺寸漂移", "热处理变形大", "换型时间长", "能耗偏高", "异响投诉", "人工依赖严重", "良品率偏低"],
    techniques: ["机器视觉在线检测系统", "数字孪生调度方法", "自适应补偿控制技术", "激光熔覆强化工艺", "柔性装配系统", "振动主动抑制技术"],
    aims: ["自动化改造", "精度提升", "效率提升", "智能化升级", "质量追溯"],
    metrics: [["检出率", "%", 95, 99.9], ["加工精度", "μm", 1, 20], ["节拍", "秒/件", 2, 30], ["综合能耗降低", "%", 8, 35]],
    areas: ["智能制造", "机器视觉", "精密加工", "工业机器人", "机械设计", "工业自动化"],
    industries: ["高端装备/轴承钢球", "汽车零部件", "智能装备"],
  },
  电子信息: {
    subjects: ["LED芯片", "车载镜头", "工业物联网网关", "MES系统", "无线振动传感器", "功率二极管", "覆铜板", "智能床垫传感模组", "安防摄像机"],
    problems: ["散热与光衰", "电磁干扰超标", "数据孤岛", "排产不合理", "功耗偏高", "良率不稳定", "识别准确率低"],
    techniques: ["边缘计算架构", "深度学习识别算法", "低功耗无线组网技术", "高频低损耗设计方法", "倒装封装工艺", "多源数据融合平台"],
    aims: ["国产化替代", "智能化升级", "可靠性提升", "成本降低"],
    metrics: [["识别准确率", "%", 90, 99.5], ["功耗", "mW", 5, 500], ["光效", "lm/W", 120, 220], ["响应时间", "ms", 5, 200]],
    areas: ["嵌入式系统", "人工智能", "半导体器件", "通信技术", "工业软件"],
    industries: ["电子信息/光电", "软件和信息服务"],
  },
  生物与新医药: {
    subjects: ["黄酒", "火腿", "酱卤肉制品", "饲料", "蔬菜种苗", "功能性食品", "洗护产品", "益生菌制剂", "萝卜干"],
    problems: ["批次口味不稳定", "保质期短", "咸度偏高", "原料成本上涨", "成苗率低", "安全指标波动"],
    techniques: ["定向发酵调控技术", "低盐腌制工艺", "栅栏保鲜技术", "精准营养配方", "组织培养快繁技术", "微胶囊包埋技术"],
    aims: ["品质稳定", "保质期延长", "降本", "健康化升级"],
    metrics: [["保质期", "天", 30, 365], ["食盐含量", "%", 2, 12], ["成活率", "%", 80, 99], ["活菌数", "亿CFU/g", 1, 500]],
    areas: ["食品科学", "发酵工程", "动物营养", "植物育种", "生物制药"],
    industries: ["食品", "农业科技", "日化"],
  },
  资源与环境: {
    subjects: ["印染废水", "含盐有机废水", "铸造废砂", "涂装废气", "轮胎边角料", "猪场粪污", "蚀刻废液", "工业固废"],
    problems: ["处理成本高", "排放不达标", "臭味扰民", "资源化利用率低", "处置费用高"],
    techniques: ["膜分离回用技术", "高级氧化工艺", "热再生工艺", "生物除臭技术", "资源化循环利用技术", "催化燃烧技术"],
    aims: ["达标排放", "资源化利用", "降本减排", "循环利用"],
    metrics: [["COD去除率", "%", 70, 99], ["回用率", "%", 40, 95], ["处理成本", "元/吨", 5, 80], ["VOCs去除率", "%", 85, 99]],
    areas: ["水处理", "固废资源化", "大气污染控制", "环境工程"],
    industries: ["纺织服装", "化工", "环保"],
  },
  高技术服务: {
    subjects: ["检验检测平台", "工业设计服务", "知识产权运营", "远程运维平台", "供应链协同平台", "科技咨询服务"],
    problems: ["响应慢", "服务半径小", "数据利用率低", "交付周期长"],
    techniques: ["云服务架构", "远程诊断方法", "协同设计平台", "检测标准体系", "数字化服务模式"],
    aims: ["服务能力提升", "平台化", "数字化转型"],
    metrics: [["响应时间", "小时", 1, 48], ["服务企业", "家", 10, 500], ["交付周期缩短", "%", 10, 60]],
    areas: ["技术转移", "工业设计", "检验检测", "信息服务"],
    industries: ["科技服务", "软件和信息服务"],
  },
  航空航天: {
    subjects: ["航空紧固件", "钛合金构件", "高温合金叶片", "无人机机体", "航空线束", "复合材料蒙皮"],
    problems: ["加工效率低", "疲劳寿命不足", "减重困难", "检测手段缺乏"],
    techniques: ["增材制造技术", "超声无损检测方法", "精密锻造工艺", "轻量化结构设计方法", "表面强化工艺"],
    aims: ["轻量化", "寿命提升", "国产化配套"],
    metrics: [["疲劳寿命", "万次", 10, 500], ["减重", "%", 5, 30], ["合格率", "%", 90, 99.8]],
    areas: ["航空材料", "飞行器设计", "无损检测", "精密成形"],
    industries: ["航空配套", "高端装备/轴承钢球"],
  },
};
const FIELDS = Object.keys(VOCAB);
// need fields weighted like the bureau's 2017 collection: manufacturing and materials dominate
const FIELD_WEIGHTS: readonly (readonly [string, number])[] = [
  ["先进制造与自动化", 26], ["新材料", 24], ["新能源与节能", 17], ["电子信息", 12],
  ["生物与新医药", 9], ["资源与环境", 8], ["高技术服务", 3], ["航空航天", 1],
];

const COOPERATION = ["技术转让", "技术许可", "合作开发", "委托开发", "技术咨询", "技术服务", "人才引进", "共建研发平台"];
const MATURITY: readonly (readonly [string, number])[] = [["实验室", 3], ["小试", 18], ["中试", 51], ["产业化", 28]];
// the Rugao towns of the demo organizations (db/seeds/demo/organizations.json)
const TOWNS = [
  "如皋经济技术开发区", "如城街道", "如皋高新区", "丁堰镇", "城南街道", "长江镇", "搬经镇", "东陈镇", "江安镇",
  "城北街道", "白蒲镇", "下原镇", "石庄镇", "林梓镇", "磨头镇", "吴窑镇", "九华镇",
];
const CITIES = ["南京", "上海", "北京", "武汉", "长春", "南通", "苏州", "杭州", "西安", "哈尔滨", "合肥", "无锡"];
const BRANDS = ["恒", "瑞", "力", "华", "鑫", "泰", "润", "丰", "达", "盛", "博", "宏", "新", "金", "远", "星", "辉", "安", "德", "鼎", "晶", "凯", "昊", "宇"];
const ENTERPRISE_WORDS: Record<string, readonly string[]> = {
  新能源与节能: ["新能源科技", "储能技术", "电源科技", "光伏科技"],
  新材料: ["新材料科技", "复合材料", "高分子材料", "化工科技"],
  先进制造与自动化: ["精密机械", "智能装备", "自动化科技", "机电科技"],
  电子信息: ["电子科技", "光电科技", "信息技术", "智能科技"],
  生物与新医药: ["食品", "生物科技", "农业科技", "日化科技"],
  资源与环境: ["环保科技", "水处理科技", "资源再生"],
  高技术服务: ["科技服务", "检测技术", "信息服务"],
  航空航天: ["航空科技", "精密制造"],
};
const INSTITUTION_TYPES: readonly (readonly [string, "university" | "institute"])[] = [
  ["理工大学", "university"], ["科技大学", "university"], ["工业大学", "university"], ["农业大学", "university"],
  ["大学", "university"], ["工程学院", "university"], ["材料研究院", "institute"], ["工业技术研究院", "institute"],
];
const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉力宁晨阳浩宇志红鹏飞俊峰林云琳凯斌海波亮健立新春晓东博远";
const TITLES: readonly (readonly [string, number])[] = [["教授", 40], ["副教授", 30], ["研究员", 15], ["高级工程师", 15]];
const HONORS = ["院士", "国家特聘专家(千人计划)", "长江学者", "国家杰出青年科学基金获得者", "江苏省双创人才", "333高层次人才"];

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;
const START = Date.UTC(2017, 0, 1);
const SPAN_DAYS = 9 * 365;
/** 09:00 in Rugao on the given day, as the demo seed stores dates */
const at9 = (day: string) => `${day}T09:00:00+08:00`;
const round1 = (x: number) => Math.round(x * 10) / 10;

function metricText(rng: Rng, m: Metric) {
  const [name, unit, lo, hi] = m;
  const a = lo + (hi - lo) * (0.2 + 0.4 * rng.next());
  const b = a + (hi - a) * (0.3 + 0.6 * rng.next());
  const fmt = (x: number) => (hi > 100 ? String(Math.round(x)) : String(round1(x)));
  return { name, unit, now: fmt(a), target: fmt(b) };
}

function genOrg(rng: Rng, i: number, enterprise: boolean): GeneratedOrg {
  const field = rng.weighted(FIELD_WEIGHTS);
  const v = VOCAB[field];
  const ref = `G-O${pad(i, 6)}`;
  if (enterprise) {
    const brand = rng.pick(BRANDS) + rng.pick(BRANDS);
    const word = rng.pick(ENTERPRISE_WORDS[field]);
    const town = rng.pick(TOWNS);
    return {
      ref,
      kind: "enterprise",
      name: `${rng.next() < 0.5 ? "江苏" : "如皋市"}${brand}${word}${rng.next() < 0.3 ? "股份" : ""}有限公司`,
      short_name: `${brand}${word.slice(0, 2)}`,
      town,
      city: "如皋",
      industry: rng.pick(v.industries),
      description: `位于${town}，主要从事${rng.pick(v.subjects)}、${rng.pick(v.subjects)}的研发与生产，${rng.pick(["国家高新技术企业", "省级专精特新企业", "市级工程技术研究中心依托单位", "科技型中小企业"])}。`,
    };
  }
  const [type, kind] = rng.pick(INSTITUTION_TYPES);
  const city = rng.pick(CITIES);
  return {
    ref,
    kind,
    name: `${city}${rng.pick(BRANDS)}${rng.pick(BRANDS)}${type}`,
    short_name: null,
    town: null,
    city,
    industry: null,
    description: `${city}的${kind === "university" ? "高等院校" : "科研机构"}，${rng.pick(v.areas)}与${rng.pick(VOCAB[rng.pick(FIELDS)].areas)}方向研究较强，与如皋企业有长期合作。`,
  };
}

function genExpert(rng: Rng, i: number, orgRef: string, published: string): GeneratedExpert {
  const field = rng.weighted(FIELD_WEIGHTS);
  const v = VOCAB[field];
  const areas = rng.some(v.areas, 2, 4);
  const honors = rng.next() < 0.08 ? [rng.pick(HONORS)] : [];
  return {
    ref: `G-X${pad(i, 6)}`,
    org_ref: orgRef,
    name: rng.pick([...SURNAMES]) + rng.pick([...GIVEN]) + (rng.next() < 0.6 ? rng.pick([...GIVEN]) : ""),
    title: rng.weighted(TITLES),
    areas,
    honors,
    fields: [field],
    bio: `长期从事${areas[0]}与${areas[1]}研究，主持国家及省部级项目${rng.int(2, 15)}项，发表学术论文${rng.int(20, 180)}篇，授权发明专利${rng.int(3, 40)}项，${rng.pick(["多项成果在企业实现产业化", "与多家企业共建联合研发中心", "注重产学研合作与成果转化", "近年关注" + rng.pick(v.subjects) + "的工程化应用"])}。`,
    status: "published",
    visibility: "public",
    published_at: published,
  };
}

function genNeed(rng: Rng, i: number, orgRef: string): GeneratedNeed {
  const field = rng.weighted(FIELD_WEIGHTS);
  const v = VOCAB[field];
  const subject = rng.pick(v.subjects);
  const problem = rng.pick(v.problems);
  const aim = rng.pick(v.aims);
  const m = metricText(rng, rng.pick(v.metrics));
  const title = rng.pick([`${subject}${problem}问题`, `${subject}${aim}`, `${subject}${problem}改善`, `${aim}：${subject}${problem}`]);
  const day = START + rng.int(0, SPAN_DAYS) * DAY;
  const budget = rng.next() < 0.1 ? null : rng.pick([10, 20, 30, 50, 80, 100, 150, 200, 300, 500, 800]);
  const cooperation = rng.some(["合作开发", "委托开发", "技术转让", "技术服务", "技术咨询", "共建研发平台"], 1, 3);
  return {
    ref: `G-N${pad(i, 7)}`,
    org_ref: orgRef,
    title,
    description:
      `我公司主要生产${subject}相关产品，目前存在${problem}的情况，${m.name}约为${m.now}${m.unit}。` +
      `希望通过${cooperation[0]}方式与高校院所合作，实现${aim}，使${m.name}达到${m.target}${m.unit}以上，` +
      `${rng.pick(["同时不增加现有设备投入", "工艺需适应现有产线", "要求一年内完成中试验证", "需满足行业标准和环保要求"])}。` +
      `${budget === null ? "费用可面议。" : `预计投入${budget}万元。`}`,
    field,
    keywords: [subject, ...rng.some([problem, aim, m.name, rng.pick(v.techniques).replace(/(技术|工艺|方法)$/, "")], 2, 4)],
    cooperation,
    budget_wan: budget,
    deadline: isoDay(day + rng.int(90, 540) * DAY),
    status: rng.weighted([["published", 80], ["matched", 15], ["closed", 5]] as const),
    visibility: "public",
    published_at: at9(isoDay(day)),
  };
}

function genResult(rng: Rng, i: number, orgRef: string, leadRef: string | null, leadField: string | null): GeneratedResult {
  const field = leadField !== null && rng.next() < 0.8 ? leadField : rng.weighted(FIELD_WEIGHTS);
  const v = VOCAB[field];
  const subject = rng.pick(v.subjects);
  const technique = rng.pick(v.techniques);
  const problem = rng.pick(v.problems);
  const m = metricText(rng, rng.pick(v.metrics));
  const adj = rng.pick(["高性能", "低成本", "绿色", "智能", "高效", "新型", ""]);
  const patents = rng.int(0, 8);
  const day = START + rng.int(0, SPAN_DAYS) * DAY;
  return {
    ref: `G-R${pad(i, 7)}`,
    org_ref: orgRef,
    lead_ref: leadRef,
    title: `${adj}${subject}${technique}`,
    summary:
      `本成果针对${subject}${problem}等问题，提出${technique}，${m.name}达到${m.target}${m.unit}，` +
      `综合性能较传统方案改善${rng.int(10, 60)}%。${rng.pick(["已完成中试验证", "已在多家企业示范应用", "已建成示范生产线", "完成实验室验证"])}，` +
      `可应用于${rng.pick(v.industries)}等领域。`,
    field,
    keywords: [subject, ...rng.some([technique.replace(/(技术|工艺|方法|系统)$/, ""), m.name, problem, rng.pick(v.areas)], 2, 4)],
    maturity: rng.weighted(MATURITY),
    ip: patents === 0 ? "无" : `发明专利${patents}项${rng.next() < 0.4 ? `、实用新型${rng.int(1, 6)}项` : ""}`,
    cooperation: rng.some(COOPERATION.slice(0, 6), 1, 3),
    price_wan: rng.next() < 0.33 ? null : rng.pick([5, 10, 20, 30, 50, 80, 100, 150, 200, 300, 500]),
    status: rng.next() < 0.95 ? "published" : "closed",
    visibility: "public",
    published_at: at9(isoDay(day)),
  };
}

/** How many organizations when none is asked for: about one per 100 records, at least 10. */
export function defaultOrgCount(o: Pick<GenerateOptions, "needs" | "results" | "experts">) {
  return Math.min(50_000, Math.max(10, Math.ceil((o.needs + o.results + o.experts) / 100)));
}

/**
 * Yields the records in batches, in dependency order: organizations, experts, needs, results.
 * Enterprises post the needs; universities and institutes own the experts and the results, each
 * result led by an expert of its own institution (when it has one).
 */
export async function* generateRecords(opts: GenerateOptions): AsyncGenerator<GeneratedBatch> {
  const rng = prng(opts.seed ?? 1);
  const size = opts.batchSize ?? 5000;
  const orgCount = opts.orgs ?? defaultOrgCount(opts);
  const enterprises = Math.max(1, Math.round(orgCount * 0.7));
  const institutions = Math.max(1, orgCount - enterprises);

  const enterpriseRefs: string[] = [];
  const institutionRefs: string[] = [];
  let batch: GeneratedOrg[] = [];
  for (let i = 1; i <= enterprises + institutions; i++) {
    const o = genOrg(rng, i, i <= enterprises);
    (o.kind === "enterprise" ? enterpriseRefs : institutionRefs).push(o.ref);
    batch.push(o);
    if (batch.length === size) {
      yield { kind: "organizations", rows: batch };
      batch = [];
    }
  }
  if (batch.length) yield { kind: "organizations", rows: batch };

  // experts of each institution, with their main field (results lean towards their lead's field)
  const staff: { ref: string; field: string }[][] = institutionRefs.map(() => []);
  let experts: GeneratedExpert[] = [];
  for (let i = 1; i <= opts.experts; i++) {
    const k = rng.int(0, institutionRefs.length - 1);
    const x = genExpert(rng, i, institutionRefs[k], at9(isoDay(START + rng.int(0, SPAN_DAYS) * DAY)));
    staff[k].push({ ref: x.ref, field: x.fields[0] });
    experts.push(x);
    if (experts.length === size) {
      yield { kind: "experts", rows: experts };
      experts = [];
    }
  }
  if (experts.length) yield { kind: "experts", rows: experts };

  let needs: GeneratedNeed[] = [];
  for (let i = 1; i <= opts.needs; i++) {
    needs.push(genNeed(rng, i, rng.pick(enterpriseRefs)));
    if (needs.length === size) {
      yield { kind: "needs", rows: needs };
      needs = [];
    }
  }
  if (needs.length) yield { kind: "needs", rows: needs };

  let results: GeneratedResult[] = [];
  for (let i = 1; i <= opts.results; i++) {
    const k = rng.int(0, institutionRefs.length - 1);
    const lead = staff[k].length ? rng.pick(staff[k]) : null;
    results.push(genResult(rng, i, institutionRefs[k], lead?.ref ?? null, lead?.field ?? null));
    if (results.length === size) {
      yield { kind: "results", rows: results };
      results = [];
    }
  }
  if (results.length) yield { kind: "results", rows: results };
}

export type GenerateProgress = { kind: GeneratedBatch["kind"]; done: number; total: number; inserted: number; rowsPerSec: number };
export type GenerateSummary = {
  /** rows actually inserted per kind (refs already present are left alone) */
  inserted: Record<GeneratedBatch["kind"], number>;
  generated: Record<GeneratedBatch["kind"], number>;
  ms: number;
  rowsPerSec: number;
};

const COLUMNS = {
  organizations: ["ref", "kind", "name", "short_name", "town", "city", "industry", "description"],
  experts: ["ref", "org_id", "name", "title", "areas", "honors", "fields", "bio", "status", "visibility", "published_at", "submitted_at", "created_at"],
  needs: [
    "ref", "org_id", "title", "description", "field", "keywords", "cooperation", "budget_wan", "deadline", "status", "visibility",
    "published_at", "submitted_at", "created_at",
  ],
  results: [
    "ref", "org_id", "lead_expert_id", "title", "summary", "field", "keywords", "maturity", "ip", "cooperation", "price_wan", "status",
    "visibility", "published_at", "submitted_at", "created_at",
  ],
} as const;
const TABLE = { organizations: "organization", experts: "expert", needs: "need", results: "result" } as const;
type DbRow = Record<string, string | number | null | string[]>;
/** PostgreSQL allows 65,535 parameters per statement. */
const MAX_PARAMS = 65_000;

/**
 * Inserts generated batches: references resolved through in-memory ref → id maps, each batch
 * split to stay under the parameter limit, at most `concurrency` statements in flight. A ref that
 * is already stored is skipped (ON CONFLICT DO NOTHING), so a rerun adds only what is missing.
 */
export async function insertGenerated(
  db: Sql,
  batches: AsyncIterable<GeneratedBatch>,
  opts: { totals?: Partial<Record<GeneratedBatch["kind"], number>>; concurrency?: number; onProgress?: (p: GenerateProgress) => void } = {},
): Promise<GenerateSummary> {
  const started = performance.now();
  const orgIds = new Map<string, number>();
  const expertIds = new Map<string, number>();
  const inserted = { organizations: 0, experts: 0, needs: 0, results: 0 };
  const generated = { organizations: 0, experts: 0, needs: 0, results: 0 };
  const inFlight = new Set<Promise<void>>();
  const concurrency = opts.concurrency ?? 2;
  let kindStarted = performance.now();
  let currentKind: GeneratedBatch["kind"] | null = null;

  const lookup = (map: Map<string, number>, ref: string) => {
    const id = map.get(ref);
    if (id === undefined) throw new Error(`generate: unknown ref ${ref}`);
    return id;
  };

  async function insertRows(kind: GeneratedBatch["kind"], rows: DbRow[]) {
    const cols = [...COLUMNS[kind]];
    const size = Math.floor(MAX_PARAMS / cols.length);
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      if (kind === "organizations" || kind === "experts") {
        // their ids are needed for the references that follow, new or already stored
        await db`insert into ${db(TABLE[kind])} ${db(chunk, cols)} on conflict (ref) do nothing`.then((r) => (inserted[kind] += r.count));
        const refs = chunk.map((r) => String(r.ref));
        const found = await db<{ id: number; ref: string }[]>`select id, ref from ${db(TABLE[kind])} where ref = any(${refs})`;
        for (const f of found) (kind === "organizations" ? orgIds : expertIds).set(f.ref, f.id);
      } else {
        const r = await db`insert into ${db(TABLE[kind])} ${db(chunk, cols)} on conflict (ref) do nothing`;
        inserted[kind] += r.count;
      }
    }
  }

  for await (const batch of batches) {
    if (batch.kind !== currentKind) {
      // references need every row of the kind before committed: drain before moving on
      await Promise.all(inFlight);
      currentKind = batch.kind;
      kindStarted = performance.now();
    }
    let rows: DbRow[];
    switch (batch.kind) {
      case "organizations":
        rows = batch.rows;
        break;
      case "experts":
        rows = batch.rows.map(({ org_ref, ...x }) => ({ ...x, org_id: lookup(orgIds, org_ref), submitted_at: x.published_at, created_at: x.published_at }));
        break;
      case "needs":
        rows = batch.rows.map(({ org_ref, ...n }) => ({ ...n, org_id: lookup(orgIds, org_ref), submitted_at: n.published_at, created_at: n.published_at }));
        break;
      case "results":
        rows = batch.rows.map(({ org_ref, lead_ref, ...r }) => ({
          ...r,
          org_id: lookup(orgIds, org_ref),
          lead_expert_id: lead_ref === null ? null : lookup(expertIds, lead_ref),
          submitted_at: r.published_at,
          created_at: r.published_at,
        }));
        break;
    }
    const kind = batch.kind;
    const count = batch.rows.length;
    const p = insertRows(kind, rows).then(() => {
      generated[kind] += count;
      const secs = (performance.now() - kindStarted) / 1000;
      opts.onProgress?.({ kind, done: generated[kind], total: opts.totals?.[kind] ?? generated[kind], inserted: inserted[kind], rowsPerSec: Math.round(generated[kind] / Math.max(secs, 0.001)) });
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    // organizations and experts go one batch at a time: the next kinds look their ids up
    if (inFlight.size >= (kind === "needs" || kind === "results" ? concurrency : 1)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  const total = Object.values(generated).reduce((a, b) => a + b, 0);
  return { inserted, generated, ms: Math.round(ms), rowsPerSec: Math.round(total / Math.max(ms / 1000, 0.001)) };
}

/** Generates and inserts, with one audit row for the whole run. */
export async function generate(db: Sql, opts: GenerateOptions, onProgress?: (p: GenerateProgress) => void): Promise<GenerateSummary> {
  const orgs = opts.orgs ?? defaultOrgCount(opts);
  const summary = await insertGenerated(db, generateRecords({ ...opts, orgs }), {
    totals: { organizations: orgs, experts: opts.experts, needs: opts.needs, results: opts.results },
    onProgress,
  });
  await db`
    insert into audit_log (action, entity, entity_id, after)
    values ('generate', 'dataset', ${`seed-${opts.seed ?? 1}`}, ${db.json({ options: { ...opts, orgs }, inserted: summary.inserted })})`;
  return summary;
}
