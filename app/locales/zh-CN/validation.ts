// Form error messages. Zod schemas use these keys as their messages, so the same
// schema validates on the server and in the browser and the UI translates the key.
export default {
  required: "此项为必填项",
  email: "请输入有效的邮箱地址",
  emailTooLong: "邮箱地址过长",
  nameTooLong: "姓名不能超过 100 个字符",
  passwordTooShort: "密码至少需要 10 个字符",
  passwordTooLong: "密码不能超过 128 个字符",
  passwordWeak: "密码过于简单，请避免常见密码、连续或重复的字符",
  passwordMismatch: "两次输入的密码不一致",
  invalidChoice: "请选择有效的选项",
  orgNameTooLong: "机构名称不能超过 200 个字符",
};
