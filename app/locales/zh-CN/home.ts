export default {
  title: "桥 · 产学研对接平台",
  heroTitle: "让企业需求遇见科研成果",
  heroText:
    "桥是科技局的产学研对接平台：企业发布技术需求，高校院所发布科研成果与专家，科技局组织对接活动、跟踪合作意向直至签约落地。",
  ctaSignup: "免费注册",
  ctaLogin: "登录",
  ctaNeeds: "浏览技术需求",
  stats: {
    title: "平台数据",
    needs: "已发布技术需求",
    results: "已发布科研成果",
    experts: "入库专家",
    orgs: "入驻机构",
  },
  latestNeeds: "最新技术需求",
  noNeeds: "暂时还没有已发布的技术需求。",
  features: {
    title: "平台能做什么",
    needs: "企业发布技术需求，描述难题、预算与合作方式。",
    results: "高校院所展示科研成果与专家团队。",
    match: "智能匹配需求与成果，并说明推荐理由。",
    events: "科技局组织对接活动，跟踪合作意向直至签约。",
  },
};
