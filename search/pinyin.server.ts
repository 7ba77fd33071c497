import { pinyin } from "pinyin-pro";
import { jieba } from "./jieba.server";

// Pinyin search (docs/decisions/015-pinyin-search.md). People type pinyin when the IME is off or
// they do not know the characters (a professor's name heard on the phone, 锂电 typed as
// "lidian"). Documents carry one extra searchable field, `pinyin`, listed last so a Chinese match
// always ranks above a pinyin one: for each word of two or more Han characters in the
// document's short texts (title, keywords, areas, organization name) its toneless pinyin
// written together (锂电池 → lidianchi, plus its parts lidian and dianchi from jieba's search
// cut), and for names the whole name (张三丰 → zhangsanfeng). Single characters are left out:
// one syllable (li, dian) would collide with English words and with half the catalog.

const HAN = /\p{Script=Han}/u;
const ONLY_HAN = /^\p{Script=Han}+$/u;

// Words repeat across a catalog (organization names, keywords, 检测, 材料 …) and pinyin-pro costs
// ≈ 0.1 ms a word, ten times jieba's cut: a bounded cache keeps document building fast.
const cache = new Map<string, string>();
const CACHE_MAX = 100_000;

function toPinyin(word: string): string {
  let py = cache.get(word);
  if (py === undefined) {
    // pinyin-pro reads polyphones in context (重庆 → chongqing, 银行 → yinhang)
    py = pinyin(word, { toneType: "none", type: "array", v: true }).join("").toLowerCase();
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(word, py);
  }
  return py;
}

/** Toneless pinyin of the Chinese words of the texts, space-separated, without duplicates. */
export function pinyinTokens(texts: readonly (string | null | undefined)[], names: readonly (string | null | undefined)[] = []): string {
  const out = new Set<string>();
  for (const name of names) {
    const n = name?.replace(/\s+/g, "");
    if (n && ONLY_HAN.test(n) && Array.from(n).length >= 2) out.add(toPinyin(n));
  }
  for (const text of texts) {
    if (!text || !HAN.test(text)) continue;
    for (const token of jieba().cutForSearch(text, true)) {
      const t = token.trim();
      if (ONLY_HAN.test(t) && Array.from(t).length >= 2) out.add(toPinyin(t));
    }
  }
  return [...out].join(" ");
}

// Toneless syllables of Mandarin (from pinyin-pro's readings of U+4E00–U+9FA5, without the
// interjections m, n, ng, hng; ü written v).
const SYLLABLES = new Set(
  "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo".split(" "),
);
const SYLLABLE_PREFIXES = new Set([...SYLLABLES].flatMap((s) => Array.from({ length: s.length }, (_, i) => s.slice(0, i + 1))));

/**
 * Whether a word reads as pinyin of two or more syllables — the last one may be unfinished, as
 * while typing (lidian, qianliheng, jianc). PLC, MES, LED, AI and MOSFET do not.
 */
export function isPinyinWord(word: string): boolean {
  const w = word.toLowerCase();
  if (w.length < 4 || !/^[a-z]+$/.test(w)) return false;
  // syllables[i]: fewest whole syllables covering w[0, i), or -1
  const whole = new Array<number>(w.length + 1).fill(-1);
  whole[0] = 0;
  for (let i = 0; i < w.length; i++) {
    if (whole[i] < 0) continue;
    for (let j = i + 1; j <= Math.min(w.length, i + 6); j++) {
      if (SYLLABLES.has(w.slice(i, j)) && (whole[j] < 0 || whole[j] > whole[i] + 1)) whole[j] = whole[i] + 1;
    }
  }
  if (whole[w.length] >= 2) return true;
  // whole syllables, then an unfinished one
  for (let i = 1; i < w.length; i++) {
    if (whole[i] >= 1 && SYLLABLE_PREFIXES.has(w.slice(i))) return true;
  }
  return false;
}

/** Whether a query has a word typed in pinyin, so the search should look at the pinyin field. */
export function hasPinyin(q: string): boolean {
  return q.split(/\s+/).some(isPinyinWord);
}
