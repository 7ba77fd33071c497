// Every problem an import can report: a stable code, its parameters, and a message in each UI
// language. The plan carries the code, the params and the Chinese text (the default locale), so
// the CLI can print it as is and the UI can re-render it in English with formatIssue().

export type IssueParams = Record<string, string | number>;

const MESSAGES = {
  // ---- the file as a whole ----
  file_empty: { zh: "文件是空的。", en: "The file is empty." },
  file_too_large: {
    zh: "文件太大（{size}），上限为 {limit}。请拆分成几个文件分别导入。",
    en: "The file is too large ({size}); the limit is {limit}. Split it into several files.",
  },
  format_unknown: {
    zh: "无法识别的文件类型“{file}”：支持 .json（演示数据格式）、.csv 和 .xlsx。",
    en: 'Unsupported file type "{file}": use .json (the demo format), .csv or .xlsx.',
  },
  xls_legacy: {
    zh: "这是旧版 Excel 97-2003（.xls）文件，不能直接导入。请在 Excel 中“另存为” .xlsx 或“CSV UTF-8（逗号分隔）”后重试。",
    en: 'This is a legacy Excel 97-2003 (.xls) file. In Excel, "Save As" .xlsx or "CSV UTF-8 (Comma delimited)" and try again.',
  },
  not_xlsx: {
    zh: "文件不是有效的 XLSX 工作簿（{detail}）。请用 Excel 打开后另存为 .xlsx 再试。",
    en: "The file is not a valid XLSX workbook ({detail}). Open it in Excel and save it as .xlsx again.",
  },
  zip_too_large: {
    zh: "工作簿解压后共 {size}，超过上限 {limit}，已拒绝（可能是“压缩炸弹”）。请删除多余的工作表或格式后重试。",
    en: "The workbook expands to {size}, over the {limit} limit, and was refused (a possible zip bomb). Remove unused sheets or formatting.",
  },
  zip_ratio: {
    zh: "工作簿中的“{entry}”压缩比异常（{ratio}:1），已拒绝（可能是“压缩炸弹”）。",
    en: 'The workbook part "{entry}" has an abnormal compression ratio ({ratio}:1) and was refused (a possible zip bomb).',
  },
  zip_entries: {
    zh: "工作簿包含 {count} 个内部文件，超过上限 {limit}，已拒绝。",
    en: "The workbook contains {count} parts, over the limit of {limit}, and was refused.",
  },
  zip_mismatch: {
    zh: "工作簿内部文件“{entry}”的实际大小与声明不符，已拒绝（文件损坏或被篡改）。",
    en: 'The workbook part "{entry}" does not match its declared size and was refused (damaged or tampered with).',
  },
  encoding_unknown: {
    zh: "无法确定 CSV 文件的字符编码（既不是 UTF-8，也不像 GBK/GB18030）。请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”后重新导入。",
    en: 'Cannot tell the CSV file\'s character encoding (neither UTF-8 nor GBK/GB18030). In Excel use "Save As" → "CSV UTF-8 (Comma delimited)" and import again.',
  },
  csv_invalid: { zh: "CSV 格式错误（第 {line} 行附近）：{detail}", en: "Malformed CSV (near line {line}): {detail}" },
  json_invalid: { zh: "JSON 格式错误：{detail}", en: "Malformed JSON: {detail}" },
  json_not_array: {
    zh: "JSON 文件应是一个记录数组（[ {...}, {...} ]），与演示数据格式相同。",
    en: "A JSON file must be an array of records ([ {...}, {...} ]), as in the demo format.",
  },
  no_header: {
    zh: "前 {rows} 行中找不到表头（如“需求名称”“技术领域”“发布单位”）。第一行应为列名。",
    en: 'No header row in the first {rows} rows (e.g. "title", "field", "org"). The first row should hold the column names.',
  },
  only_headers: { zh: "文件只有表头，没有数据行。", en: "The file has a header row but no data rows." },
  too_many_rows: {
    zh: "文件有 {rows} 行数据，超过单次导入上限 {limit} 行。请拆分后分批导入。",
    en: "The file has {rows} data rows, over the limit of {limit} per import. Split it and import in batches.",
  },
  kind_unknown: {
    zh: "无法从列名判断这是需求、成果、专家还是单位数据。请指定类型（命令行 --kind needs|results|experts|organizations）。",
    en: "Cannot tell from the headers whether these are needs, results, experts or organizations. Give the kind (--kind needs|results|experts|organizations).",
  },
  kind_not_allowed: {
    zh: "您没有导入{kindLabel}的权限（仅科技局工作人员可以）。",
    en: "You may not import {kindLabel} (bureau staff only).",
  },
  header_missing: {
    zh: "缺少必需的列：{columns}。",
    en: "Required columns are missing: {columns}.",
  },
  header_duplicate: {
    zh: "“{column}”与“{other}”表示同一项内容（{field}），请只保留一列。",
    en: '"{column}" and "{other}" mean the same thing ({field}); keep only one of them.',
  },
  // ---- one row, one column ----
  required: { zh: "“{column}”不能为空。", en: '"{column}" is required.' },
  too_long: {
    zh: "“{column}”太长（{length} 字），最多 {max} 字。",
    en: '"{column}" is too long ({length} characters; at most {max}).',
  },
  type_invalid: {
    zh: "“{column}”应为{expected}，实际是“{value}”。",
    en: '"{column}" should be {expectedEn}, got "{value}".',
  },
  number_invalid: {
    zh: "“{column}”的值“{value}”不是数字（金额请填数字，单位万元；未定请填“面议”）。",
    en: '"{column}": "{value}" is not a number (amounts are in 10,000 CNY; write 面议 if open).',
  },
  amount_negative: { zh: "“{column}”不能为负数（{value}）。", en: '"{column}" cannot be negative ({value}).' },
  amount_too_large: {
    zh: "“{column}”的值 {value} 万元超过上限 {max} 万元。单位是万元——是否按“元”填写了？",
    en: '"{column}": {value} (10,000 CNY) is over the limit of {max}. The unit is 万元 (10,000 CNY): was it typed in CNY?',
  },
  date_invalid: {
    zh: "“{column}”的值“{value}”不是有效日期（例如 2018-03-01、2018/3/1、2018年3月1日）。",
    en: '"{column}": "{value}" is not a valid date (e.g. 2018-03-01, 2018/3/1, 2018年3月1日).',
  },
  date_out_of_range: {
    zh: "“{column}”的日期 {value} 超出允许范围（{min} 至 {max}）。",
    en: '"{column}": {value} is outside the allowed range ({min} to {max}).',
  },
  enum_unknown: {
    zh: "“{column}”的值“{value}”不在允许的列表中（{allowed}）。",
    en: '"{column}": "{value}" is not an allowed value ({allowed}).',
  },
  enum_suggest: {
    zh: "“{column}”的值“{value}”不在允许的列表中；您是否指“{suggestion}”？",
    en: '"{column}": "{value}" is not an allowed value; did you mean "{suggestion}"?',
  },
  list_too_many: {
    zh: "“{column}”最多 {max} 项，实际 {count} 项。",
    en: '"{column}" allows at most {max} items; got {count}.',
  },
  list_item_too_long: {
    zh: "“{column}”中的“{item}”太长（最多 {max} 字）。",
    en: '"{column}": "{item}" is too long (at most {max} characters).',
  },
  ref_invalid: {
    zh: "编号“{value}”无效：应为 1–64 个字符，不含空格。",
    en: 'The ref "{value}" is invalid: 1–64 characters without spaces.',
  },
  ref_duplicate: {
    zh: "编号“{ref}”在导入数据中重复出现（{rows}）。每条记录只能出现一次。",
    en: 'The ref "{ref}" appears more than once in the import ({rows}). Each record may appear only once.',
  },
  key_duplicate: {
    zh: "与 {rows} 是同一条记录（{key}相同，且没有编号）。请删除重复行或填写不同的编号。",
    en: "Same record as {rows} (same {keyEn} and no ref). Remove the duplicate or give distinct refs.",
  },
  email_invalid: { zh: "“{column}”的值“{value}”不是有效的邮箱地址。", en: '"{column}": "{value}" is not a valid email address.' },
  org_unknown: {
    zh: "找不到单位“{value}”（按编号或完整名称查找）。请先导入该单位，或检查名称。",
    en: 'No organization "{value}" (looked up by ref and by full name). Import it first or check the name.',
  },
  org_unknown_suggest: {
    zh: "找不到单位“{value}”；您是否指“{suggestion}”？（须填写完整名称或编号）",
    en: 'No organization "{value}"; did you mean "{suggestion}"? (give the full name or the ref)',
  },
  org_ambiguous: {
    zh: "有 {count} 个单位都叫“{value}”，无法确定是哪一个。请改填单位编号。",
    en: '{count} organizations are called "{value}"; give the organization\'s ref instead.',
  },
  expert_unknown: {
    zh: "在该单位找不到专家“{value}”（按编号或姓名查找）。请先导入专家，或将此列留空。",
    en: 'No expert "{value}" in this organization (looked up by ref and by name). Import the expert first or leave it blank.',
  },
  expert_ambiguous: {
    zh: "该单位有 {count} 位专家都叫“{value}”。请改填专家编号。",
    en: '{count} experts of this organization are called "{value}"; give the expert\'s ref instead.',
  },
  ref_rejected: {
    zh: "引用的“{value}”在本次导入中被拒绝（见其所在行的错误），请先修正那一行。",
    en: 'It refers to "{value}", which is rejected in this import (see that row); fix that row first.',
  },
  key_ambiguous: {
    zh: "已有 {count} 条记录与此行的{key}相同，无法确定更新哪一条。请填写编号。",
    en: "{count} stored records have this row's {keyEn}; give a ref to say which one to update.",
  },
  db_constraint: {
    zh: "数据库拒绝了这一行：{detail}",
    en: "The database refused this row: {detail}",
  },
  not_your_org: {
    zh: "您只能导入本单位的记录，“{value}”不是您所在的单位。",
    en: 'You may import only your own organization\'s records; "{value}" is not one of yours.',
  },
  not_your_record: {
    zh: "编号“{ref}”已属于其他单位的记录，不能覆盖。",
    en: 'The ref "{ref}" belongs to another organization\'s record and cannot be overwritten.',
  },
  status_not_allowed: {
    zh: "状态“{value}”只能由科技局工作人员设置；单位成员导入的记录将提交审核。",
    en: 'Only bureau staff may set the status "{value}"; records imported by members are submitted for review.',
  },
  // ---- warnings: the import proceeds ----
  column_ignored: {
    zh: "未识别的列“{column}”将被忽略。",
    en: 'The unrecognised column "{column}" will be ignored.',
  },
  encoding_converted: {
    zh: "文件编码为 {encoding}，已自动转换为 UTF-8。",
    en: "The file is encoded in {encoding}; it was converted to UTF-8.",
  },
  rows_above_header: {
    zh: "表头在第 {row} 行，前面的标题行已跳过。",
    en: "The header is on row {row}; the title rows above it were skipped.",
  },
  sheet_ignored: {
    zh: "只导入第一个有数据的工作表“{used}”，工作表“{sheet}”被忽略。",
    en: 'Only the first sheet with data ("{used}") is imported; the sheet "{sheet}" is ignored.',
  },
  file_skipped: {
    zh: "“{file}”不是需求、成果、专家或单位数据，已跳过。",
    en: '"{file}" holds no needs, results, experts or organizations and was skipped.',
  },
  ref_derived: {
    zh: "没有“编号”列：按“{key}”识别记录；重新导入时会更新同一条记录，但改了{key}会新建一条。",
    en: 'No "ref" column: records are identified by {keyEn}; a re-import updates them, but changing the {keyEn} creates a new record.',
  },
  html_kept: {
    zh: "“{column}”含有 HTML 标记或脚本，将原样作为纯文本保存和显示（不会执行）。",
    en: '"{column}" contains HTML or script; it is kept and shown as plain text (never executed).',
  },
  amount_in_yuan: {
    zh: "“{column}”的单位是元，已换算为万元。",
    en: '"{column}" is in CNY; amounts were converted to 万元 (10,000 CNY).',
  },
  lead_other_org: {
    zh: "负责人“{value}”属于另一单位（{org}）。",
    en: 'The lead expert "{value}" belongs to another organization ({org}).',
  },
  org_name_mismatch: {
    zh: "单位编号“{ref}”对应“{name}”，与同一行填写的单位名称“{value}”不一致；以编号为准。",
    en: 'The organization ref "{ref}" is "{name}", not "{value}" as the same row says; the ref wins.',
  },
  name_exists: {
    zh: "已有同名单位“{value}”（编号 {ref}）；此行有自己的编号，将新建一个单位。",
    en: 'An organization named "{value}" already exists (ref {ref}); this row has its own ref and creates a new one.',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type IssueCode = keyof typeof MESSAGES;
export type Locale = "zh-CN" | "en";

export type ImportIssue = {
  code: IssueCode;
  params: IssueParams;
  /** the message in Chinese, the UI's default language */
  message: string;
  /** "error" rejects the row (or the file); "warning" is only reported */
  severity: "error" | "warning";
  /** the source it came from: file name (and sheet) */
  file?: string;
  /** 1-based row as a spreadsheet shows it (the header is row 1), or the record's position in JSON */
  row?: number;
  /** the column as it is written in the file (e.g. 预算（万元）) */
  column?: string;
  /** the field it maps to (e.g. budget_wan) */
  field?: string;
};

const WARNINGS = new Set<IssueCode>([
  "column_ignored",
  "encoding_converted",
  "rows_above_header",
  "sheet_ignored",
  "file_skipped",
  "ref_derived",
  "html_kept",
  "amount_in_yuan",
  "lead_other_org",
  "org_name_mismatch",
  "name_exists",
]);

function interpolate(template: string, params: IssueParams) {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** The message for an issue code in a locale. */
export function formatIssue(issue: Pick<ImportIssue, "code" | "params">, locale: Locale = "zh-CN"): string {
  const m = MESSAGES[issue.code];
  return interpolate(locale === "en" ? m.en : m.zh, issue.params);
}

export function issue(
  code: IssueCode,
  params: IssueParams = {},
  where: Pick<ImportIssue, "file" | "row" | "column" | "field"> = {},
): ImportIssue {
  return {
    code,
    params,
    message: formatIssue({ code, params }),
    severity: WARNINGS.has(code) ? "warning" : "error",
    ...where,
  };
}

export function formatBytes(n: number) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}
