/**
 * The domain concept map: engineering vocabulary that bridges how an enterprise describes a
 * problem (symptoms, products, targets) and how a university describes a result (mechanisms,
 * methods, materials). Curated BY FIELD from general engineering knowledge — a textbook or
 * industry glossary would group the same words — never for an individual record: no concept may
 * exist only to connect one need with one result (docs/decisions/020-matching.md).
 *
 * One line per concept:  id | field | 中文名 | English name | terms…
 *   - field: one of the 8 national domains, or 通用 (cross-field); a concept's field is also used
 *     to infer the field a text is really about when its label says otherwise
 *   - terms: space-separated; a text "has" the concept when any term occurs in it (case-insensitive
 *     for Latin letters; a Latin term must not be part of a longer Latin word)
 *   - kind, from the id's first character:
 *       problem (no mark): what is wrong or what is done about it — a symptom, a mechanism, a
 *         method (低温变硬/玻璃化转变, 外观缺陷视觉检测, 焊缝跟踪). Sharing one is what makes a fit.
 *       "@" object: the product or material a text is about (钢球, 记忆绵, 电机). Sharing only
 *         objects is the classic near-miss — a 钢球 diameter sorter for a 钢球 surface-flaw need —
 *         so objects add a little and never make a match alone.
 *       "~" broad: a generic aim (轻量化); counts for little.
 *
 * Terms are added to the matcher's jieba dictionary, so a term like 记忆绵 is one token.
 */

const TABLE = String.raw`
# ═════════ 新材料 ═════════
# polymers, foams, rubber
@obj.memory_foam        | 新材料 | 记忆绵 | memory foam | 记忆绵 记忆棉 慢回弹 黏弹性泡沫 粘弹性泡沫 黏弹泡沫
@obj.pu_foam            | 新材料 | 聚氨酯泡沫/海绵 | polyurethane foam | 聚氨酯泡沫 聚氨酯发泡 软质泡沫 软泡 海绵 泡孔 聚醚多元醇
polymer.glass_transition | 新材料 | 低温变硬/玻璃化转变 | stiffening in the cold / glass transition | 变硬 发硬 冬季变硬 低温变硬 玻璃化转变 玻璃化温度 Tg 软段 模量比 温度依赖 回复时间 回弹时间
polymer.flame_retardancy | 新材料 | 阻燃 | flame retardancy | 阻燃 明火测试 TB117 BS5852 膨胀石墨 含磷多元醇 凝聚相阻燃 无卤 TCPP 防火 UL94 V-0 灼热丝 氧指数
polymer.fr_additive     | 新材料 | 阻燃剂 | flame-retardant additives | 阻燃剂 次磷酸铝 次膦酸 次磷酸盐 磷系阻燃 三聚氰胺聚磷酸盐 氢氧化镁 氢氧化铝 协效阻燃 磷化氢 热分解温度 吸潮
polymer.odor_voc        | 新材料 | 气味与VOC | odour and VOC emissions | 气味 异味 VOC TVOC 挥发物 总碳挥发 低散发 小分子 低分子 脱挥 汽提 PV3900 散发 除味 臭味
@obj.pp                 | 新材料 | 聚丙烯 | polypropylene | 聚丙烯 PP 改性PP 再生聚烯烃 聚烯烃 回收PP
@obj.nylon              | 新材料 | 尼龙 | polyamide | 尼龙 聚酰胺 PA66 PA6 增强尼龙
polymer.compounding     | 新材料 | 改性专用料 | polymer compounding | 专用料 增容 滑石粉 玻纤增强 共混 相容剂 反应增容
polymer.ageing          | 新材料 | 老化与稳定助剂 | ageing and stabilisers | 光稳定剂 紫外吸收剂 抗氧剂 防老剂 光氧老化 抗老化 耐老化 紫外老化 耐候 助剂迁移 析出 硬化开裂 粉化
@obj.rubber             | 新材料 | 橡胶 | rubber | 胶料 硅橡胶 橡胶件 橡胶 弹性体 天然乳胶 乳胶 丁苯
rubber.recycling        | 资源与环境 | 橡胶再生 | rubber recycling / devulcanisation | 硫化边角料 废次胎 废轮胎 再生胶 脱硫 断键 胶粉 硫化橡胶
@obj.tire               | 新材料 | 轮胎 | tyres | 轮胎 子午线轮胎 载重胎 胎面 胎侧 帘线
tire.rolling_resistance | 新材料 | 滚动阻力 | rolling resistance | 滚阻 滚动阻力 欧盟标签 湿地抓地 滞后损失 低滞后 溶聚丁苯 SSBR 油耗
polymer.recycling_chem  | 资源与环境 | 边角废料回收 | scrap and polymer recycling | 醇解 化学回收 再生多元醇 边角料 高值化 回收利用 解聚 废料 原料回用

# composites, glass fibre
@obj.glass_fiber        | 新材料 | 玻璃纤维 | glass fibre | 玻纤 玻璃纤维 无捻粗纱 电子布 风电纱 玻纤布 玻纤纱 单丝
@obj.carbon_fiber       | 新材料 | 碳纤维 | carbon fibre | 碳纤维 碳纤 预浸料 预浸片 碳纤维原丝
@obj.composite          | 新材料 | 复合材料 | composites | 复合材料 复材 玻璃钢 热塑性复合材料 单向板 层合板
fiber.sizing            | 新材料 | 纤维上浆/界面 | fibre sizing / interface | 浸润剂 上浆剂 上浆 硅烷偶联剂 偶联剂 成膜剂 纱线表面处理 集束性 界面层 界面调控 界面结合 树脂结合 层间剪切 短梁剪切 界面剪切
composite.infusion      | 新材料 | 树脂灌注/液体成型 | resin infusion / liquid moulding | 灌注 真空灌注 树脂流动 渗透率 干斑 缝编 经编织物 多轴向 液体成型 RTM 流动速度
composite.recycling     | 资源与环境 | 复合材料回收 | composite recycling | 预浸料边角 边角废料 再生碳纤维 热解 控氧热解 短切纤维 回收碳纤维
glass.composition       | 新材料 | 玻璃成分设计 | glass composition | 玻纤配方 玻璃成分 低介电 介电常数 介电损耗 极化率 成纤 拉丝 析晶 硼硅 耐碱玻璃 二氧化锆 ZrO2
glass.alkali_durability | 新材料 | 水泥基耐久性 | durability in cement | GRC 耐碱 水泥基 碱侵蚀 强度衰减 耐久性
filter.media            | 新材料 | 高温滤料 | hot-gas filter media | 除尘滤袋 滤袋 针刺毡 耐折 滤料 烟气除尘 浸渍 耐酸 含氟乳液 换袋周期

# coatings, surfaces, metals
coating.waterborne      | 新材料 | 水性涂料 | waterborne coatings | 水性 水性化 水性涂料 自乳化 乳液 VOC限排 溶剂型 湿度适应性 厚涂
coating.anticorrosion   | 新材料 | 防腐 | corrosion protection | 防腐 盐雾 富锌 环氧富锌 玻璃鳞片 阴极剥离 红锈 丝状腐蚀 飞溅区 海洋大气 海水 沿海 镀层寿命 耐蚀 防腐蚀 腐蚀防护
coating.galvanizing     | 新材料 | 热浸镀锌 | hot-dip galvanising | 热浸镀 镀锌 锌耗 锌锭 锌渣 助镀 锌浴 铁锌反应 锌铝镁 Zn-Al-Mg
coating.chrome_free     | 新材料 | 无铬/代铬表面处理 | chromium-free surface treatment | 无铬 六价铬 含铬 镀铬 电镀铬 代铬 铬酸盐 RoHS REACH 无铬钝化
coating.wear            | 新材料 | 耐磨涂层 | wear-resistant coatings | 热喷涂 超音速火焰喷涂 HVOF 碳化钨 WC-CoCr 金属陶瓷 等离子喷涂 激光熔覆 熔覆 堆焊 耐磨涂层 表面处理层 结合强度 封孔
metal.diecasting        | 新材料 | 压铸 | die casting | 压铸 ADC12 铸铝 薄壁 半固态 流变 A356 高真空压铸 真空压铸 充型 压铸合金
@obj.aluminium          | 新材料 | 铝合金 | aluminium alloys | 铝合金 铝材 铝型材 6系 5系 铝基
thermal.conduction      | 新材料 | 导热散热 | heat conduction | 导热 导热系数 热导率 散热 高导热 导热绝缘 导热填料 氮化硼 温升 热阻
metal.steel_cleanliness | 新材料 | 钢的洁净度 | steel cleanliness | 夹杂 夹杂物 大颗粒杂质 洁净度 洁净钢 氮化钛 氧化物 冶炼 真空脱气 超声体积检测 极值
@obj.bearing_steel      | 新材料 | 轴承钢 | bearing steel | GCr15 轴承钢 高碳铬 线材
metal.hydrogen_embrittlement | 新材料 | 氢脆/延迟断裂 | hydrogen embrittlement | 氢脆 延迟断裂 缓慢应变速率 氢含量
metal.conductive_alloy  | 新材料 | 高强高导合金 | high-strength conductive alloys | 铜合金 高强高导 铝青铜 导电率 IACS 应力腐蚀
@obj.ceramic_ball       | 新材料 | 陶瓷球 | ceramic balls | 陶瓷球 氮化硅 Si3N4 绝缘轴承
ceramic.sintering       | 新材料 | 陶瓷烧结 | ceramic sintering | 烧结 等静压 球坯 烧结助剂 致密
phosphor.red            | 新材料 | 红色荧光材料 | red phosphors | 红色发光 红色荧光 荧光粉 荧光体 K2SiF6 Mn4+ 氟硅酸盐 色域 背光 发光材料 线状发射
profile.outdoor         | 新材料 | 户外型材/木塑 | outdoor profiles / wood-plastic | 木塑 木粉 共挤 ASA 替代实木 褪色 户外桌椅 户外家具

# textiles
@obj.fabric             | 新材料 | 面料 | fabrics | 面料 织物 针织 梭织 针织物 棉布 锦纶 涤纶 莫代尔 纤维
textile.water_repellent | 新材料 | 拒水整理 | water-repellent finishing | 防水剂 拒水 低表面能 含氟 无氟 C6 C8 耐洗
textile.crease          | 新材料 | 抗皱免烫 | crease-resistant finishing | 易皱 抗皱 免烫 折皱 交联 多元羧酸 平整度 机洗
textile.moisture        | 新材料 | 吸湿排汗 | moisture management | 排汗 快干 导湿 单向导湿 毛细效应 芯吸 速干
textile.cooling         | 新材料 | 凉感 | cooling fabrics | 凉爽 凉感 接触凉感 瞬时凉感 Qmax 冰感
@obj.silk               | 新材料 | 真丝 | silk | 真丝 蚕丝 丝绸 丝素 丝胶 桑蚕丝 双绉 蛋白纤维
textile.pilling         | 新材料 | 抗起毛起球 | anti-pilling | 起毛起球 起球 抗起球 毛羽

# ═════════ 新材料 / 资源与环境: chemicals ═════════
chem.hydrogenation      | 新材料 | 催化加氢 | catalytic hydrogenation | 加氢 氢化 选择性加氢 滴流床 负载型 双金属 加氢催化剂 收率
chem.nitration          | 新材料 | 硝化与连续流 | nitration and continuous flow | 硝化 微通道 连续流 管式反应器 持液量
chem.process_safety     | 高技术服务 | 工艺安全 | process safety | 本质安全 危险工艺 重点监管 热失控 失控反应 安全评估 HAZOP 反应量热 绝热温升 工艺危险度 保护层分析 LOPA SIL 安全仪表 风险评估 风险分级 隐患排查
chem.dust_explosion     | 高技术服务 | 粉尘爆炸 | dust explosion | 粉尘爆炸 可燃粉尘 最小点火能 爆炸指数 泄爆 惰化
chem.surfactant         | 新材料 | 表面活性剂与洗护配方 | surfactants and personal-care formulation | 表面活性剂 洗面奶 沐浴露 洗护 洗涤剂 氨基酸盐 酰基氨基酸 低刺激 温和 两性 烷基糖苷 凝珠 水溶膜
chem.scale_inhibitor    | 资源与环境 | 阻垢剂 | scale inhibitors | 阻垢剂 阻垢 结垢 无磷 含磷 去磷 聚天冬氨酸 碳酸钙
chem.electrolyte        | 新能源与节能 | 电解液与锂盐 | electrolytes and lithium salts | 电解液 锂盐 LiFSI LiPF6 成膜添加剂 正极电解质界面 CEI SEI 高电压 胀气 添加剂
chem.gas_absorption     | 资源与环境 | 气体吸收与酸回收 | gas absorption / acid recovery | 氯化氢 盐酸 尾气吸收 气体吸收 气液传质 吸收塔 填料塔

# ═════════ 先进制造与自动化 ═════════
@obj.machine_tool       | 先进制造与自动化 | 机床 | machine tools | 机床 磨床 车床 数控机床 导轨 主轴
@obj.optics_part        | 先进制造与自动化 | 光学元件 | optical elements | 光学元件 反射镜 透镜 滤光片 光学玻璃 晶片
@obj.gear               | 先进制造与自动化 | 齿轮与减速器 | gears and reducers | 齿轮 减速器 变速器 齿轮钢 RV减速器
@obj.fastener           | 先进制造与自动化 | 紧固件 | fasteners | 紧固件 螺栓 螺钉 螺母
@obj.valve_pump         | 先进制造与自动化 | 阀门与泵 | valves and pumps | 阀门 调节阀 泵壳 阀芯 密封面
@obj.mould              | 先进制造与自动化 | 模具 | moulds and dies | 模具 注塑模 冲压模 压铸模 模具钢
@obj.hydraulic          | 先进制造与自动化 | 液压件 | hydraulic components | 液压缸 油缸 液压机 液压系统 液压泵 活塞杆 缸筒
@obj.ship               | 先进制造与自动化 | 船舶与海工 | ships and offshore | 船舶 船体 舱口盖 海工 船用 码头 海上风电
@obj.robot              | 先进制造与自动化 | 机器人 | robots | 机器人 焊接机器人 工业机器人 机械臂 穿梭车 AGV
@obj.aircraft           | 航空航天 | 航空航天器 | aircraft and spacecraft | 飞机 航空 卫星 无人机 发动机叶片 机翼
@obj.steel_structure    | 先进制造与自动化 | 钢结构 | steel structures | 钢结构 铁塔 塔筒 桥梁 厚板 焊缝
@obj.building_material  | 资源与环境 | 建材 | building materials | 砌块 砂浆 混凝土 水泥 石膏板 GRC 免烧砖 沥青
@obj.semiconductor      | 电子信息 | 半导体器件 | semiconductor devices | 芯片 二极管 MOSFET IGBT 功率器件 外延片 晶圆
@obj.pcb                | 电子信息 | 电路板 | circuit boards | 线路板 电路板 PCB 覆铜板
@obj.grid_line          | 电子信息 | 输电线路 | transmission lines | 输电线路 架空线路 特高压线路 导线 接触网
@obj.vegetable          | 生物与新医药 | 蔬菜 | vegetables | 蔬菜 青菜 白菜 辣椒 番茄 黄瓜 萝卜 茄果
@obj.livestock          | 生物与新医药 | 畜禽 | livestock | 生猪 猪场 母猪 仔猪 畜禽 养殖场
@obj.fermented_food     | 生物与新医药 | 酿造食品 | fermented foods | 黄酒 白酒 酱油 食醋
@obj.steel_ball         | 先进制造与自动化 | 钢球 | steel balls | 钢球 球体 精密球 球坯 球形零件
@obj.roller             | 先进制造与自动化 | 轴承滚子 | bearing rollers | 滚子 圆锥滚子 滚动体 轮毂轴承 轴承
inspect.vision          | 先进制造与自动化 | 外观缺陷视觉检测 | machine-vision defect inspection | 外观检测 外观瑕疵 瑕疵 缺陷检测 表面缺陷 划痕 擦伤 麻点 锈斑 点蚀 图像 相机 机器视觉 视觉检测 卷积神经网络 缺陷识别 缺陷分类 人工复检 漏检 剔除 成像检测 展开成像 图像拼接
inspect.radiograph      | 电子信息 | 射线图像判读 | radiograph interpretation | X光 X射线 射线底片 射线检测 人工看片 看片 自动判定 评片 底片
inspect.ndt             | 先进制造与自动化 | 无损检测 | non-destructive testing | 无损检测 无损 超声 相控阵 涡流 巴克豪森 红外热像 锁相 剪切散斑 内部缺陷 脱粘 全检
inspect.dimension       | 先进制造与自动化 | 尺寸形貌测量 | dimensional metrology | 检具 三坐标 点云 结构光 蓝光 CAD比对 偏差分析 首件检验 尺寸检测 全尺寸
weld.tracking           | 先进制造与自动化 | 焊缝跟踪 | seam tracking | 偏焊 寻位 示教 焊缝跟踪 坡口 坡口识别 轨迹纠偏 线结构光 激光视觉 弧光 焊接机器人
weld.distortion         | 先进制造与自动化 | 焊接变形 | welding distortion | 焊接变形 焊后变形 矫正 校形 火焰校形 反变形 焊接顺序 残余变形 固有应变 平面度 翘曲
weld.porosity           | 先进制造与自动化 | 焊接气孔与气密 | weld porosity and tightness | 焊缝气孔 气孔 匙孔 漏气 气密性 摆动激光焊 激光焊 MIG焊 搅拌摩擦焊
heat.distortion         | 先进制造与自动化 | 热处理畸变 | heat-treatment distortion | 热处理变形 热处理畸变 畸变 真空渗碳 低压渗碳 气淬 淬火变形 硬化层 有效硬化层 磨齿余量 装炉
heat.case_hardening     | 先进制造与自动化 | 渗碳淬火与组织 | case hardening and microstructure | 碳氮共渗 残余奥氏体 碳势 渗碳 表面硬化 淬火 回火 硬度均匀 软点 淬火介质
bearing.life            | 先进制造与自动化 | 滚动接触疲劳寿命 | rolling-contact fatigue life | 疲劳寿命 接触疲劳 滚动接触疲劳 污染润滑 早期剥落 寿命离散 寿命试验
finish.lapping          | 先进制造与自动化 | 超精研磨 | ultra-precision lapping | 超精研 精研 研磨 研球 研球机 超精 球度 球形误差 粗糙度 波纹度 表面质量 表面完整性 划伤 油石
machining.accuracy      | 先进制造与自动化 | 机床精度与热误差 | machine accuracy and thermal error | 磨削 磨床 外圆磨 尺寸漂移 热变形 热误差 机床发热 精度保持 热变形补偿 误差补偿 主轴
roller.profile          | 先进制造与自动化 | 母线凸度修形 | roller crowning | 母线 凸度 修形 对数曲线 对数修形 形状一致性
casting.defects         | 先进制造与自动化 | 铸造缺陷 | casting defects | 铸造 铸件 缩松 缩孔 冒口 凝固模拟 球墨铸铁 砂型 树脂砂
forming.springback      | 先进制造与自动化 | 冲压回弹 | springback | 冲压 回弹 模面补偿 尺寸超差 模具调试 包辛格 本构 热冲压 温成形
moulding.warpage        | 先进制造与自动化 | 注塑变形 | injection-moulding warpage | 注塑 注塑模 试模 翘曲变形 变形超差 随形冷却 冷却优化 纤维取向 残余变形 模流
mould.texture           | 先进制造与自动化 | 模具皮纹 | mould texturing | 皮纹 纹理 化学腐蚀 蚀纹 激光纹理 超快激光 烧蚀 纹理映射
hydraulic.sealing       | 先进制造与自动化 | 液压密封 | hydraulic sealing | 油缸 液压缸 外泄漏 内泄漏 往复密封 密封圈 挤出间隙 活塞杆 组合密封 密封可靠性 加速寿命
wood.drying             | 先进制造与自动化 | 木材干燥 | timber drying | 含水率 烘干 干燥应力 真空干燥 锯材 红木 硬木 木材干燥 干燥开裂 平衡处理
@obj.furniture          | 先进制造与自动化 | 家具 | furniture | 家具 榫卯 衣柜 桌椅 床垫 枕头
optics.fabrication      | 先进制造与自动化 | 光学元件加工 | optical element fabrication | 非球面 镜片 精密模压 光学玻璃 面形 抛光 镀膜 增透 减反射 模压成型
auto.scheduling         | 高技术服务 | 排产调度 | production scheduling | 排产 排程 插单 重排 交期 调度 车间调度 柔性车间 工单 遗传算法 混合整数规划 快反
auto.warehouse          | 高技术服务 | 立体库与物流仿真 | AS/RS and logistics simulation | 立体库 立体仓库 穿梭车 堆垛机 吞吐量 拥堵 路径规划 死锁 多机器人 AGV 数字孪生 虚拟调试 仿真验证
auto.furniture_cad      | 高技术服务 | 定制家具数字化 | custom-furniture digital design | 拆单 板式 柜体 参数化 套排 数控代码 补件 定制衣柜
auto.garment_cad        | 高技术服务 | 服装数字化开发 | digital garment development | 打样 样衣 改款 虚拟试衣 悬垂 服装仿真 版型 推板 放码 服装CAD
auto.remote_service     | 电子信息 | 设备远程运维 | remote equipment service | 远程监控 远程服务 售后服务 预警 健康管理 剩余寿命 故障预测 预测性维护 边缘计算 云平台 云端
auto.fault_diagnosis    | 电子信息 | 故障诊断 | fault diagnosis | 故障诊断 故障判断 故障识别 振动分析 包络谱 迁移学习 跨工况 报警 诊断
textile.dyeing_machine  | 先进制造与自动化 | 染整设备 | dyeing machinery | 染色机 溢流染色 气流染色 浴比 节水 节汽 雾化 染整装备 气流牵引
nvh.brake               | 先进制造与自动化 | 制动噪声 | brake noise | 制动噪声 异响 尖叫 刹车噪声 摩擦诱导振动 复特征值 模态解耦 摩擦副
@obj.brake              | 先进制造与自动化 | 制动器 | brakes | 制动盘 制动鼓 刹车片 制动闸片 刹车盘 制动器
brake.wear              | 新材料 | 制动磨损与粉尘 | brake wear and dust | 制动粉尘 磨损量 掉粉 颗粒物排放 耐磨 摩擦材料 磨损率
nvh.line_oscillation    | 先进制造与自动化 | 导线振荡 | conductor oscillation | 导线振荡 次档距振荡 尾流 驰振 舞动 防振锤 阻尼关节 档距
@obj.spacer             | 先进制造与自动化 | 间隔棒 | spacers | 间隔棒 分裂导线 多分裂

# ═════════ 电子信息 ═════════
@obj.led                | 电子信息 | LED | LEDs | LED 发光二极管 光源 芯片
led.uv                  | 电子信息 | 深紫外LED | deep-UV LEDs | 紫外LED 深紫外 UVC AlGaN 氮化铝 量子阱 外延 位错 p型掺杂 杀菌消毒 265 280nm
led.thermal             | 电子信息 | LED封装热管理 | LED package thermal management | CSP 倒装 共晶 封装热阻 光衰 结温 荧光膜 芯片级封装 光效 空洞率
@obj.lens               | 电子信息 | 镜头 | lenses | 镜头 镜片 物镜 光学镜头 安防镜头 车载镜头
optics.design           | 电子信息 | 光学设计 | optical design | 大光圈 大相对孔径 消热差 温度跑焦 像素 光学设计 畸变 环视 分辨率 MTF
optics.coating          | 先进制造与自动化 | 光学膜层 | optical coatings | 防划伤 防划 防污 疏水 氟硅烷 增透膜 硬质膜 离子辅助 膜层耐磨 膜层硬度
plant.lighting          | 生物与新医药 | 植物光照 | horticultural lighting | 植物照明 补光 光质 光谱 红蓝光 远红光 光合作用 寡照 光配方
power.diode             | 电子信息 | 功率二极管与EMI | power diodes and EMI | 二极管 反向恢复 软恢复 关断特性 电磁干扰 EMI 寿命控制 快恢复
power.sic               | 电子信息 | 碳化硅功率器件 | SiC power devices | 碳化硅 SiC MOSFET 宽禁带 功率器件 功率模块 栅氧 dv/dt
power.dcdc              | 新能源与节能 | 隔离DC/DC变换 | isolated DC/DC conversion | DC/DC DC-DC 变换器 移相全桥 软开关 零电压开关 ZVS 同步整流 磁集成 平面变压器 LLC 车载电源
power.charging          | 新能源与节能 | 充电设施 | charging infrastructure | 充电站 充电桩 充电模块 充电机 快充 有序充电 功率分配 变压器容量 削峰 储能削峰
power.reactive          | 新能源与节能 | 无功补偿与谐波治理 | reactive power and harmonics | 无功补偿 功率因数 谐波 滤波 SVG 静止无功发生器 APF 电容器组 投切 谐振 电能质量
@obj.arrester           | 电子信息 | 避雷器 | surge arresters | 避雷器 氧化锌 电阻片
grid.arrester_monitoring | 电子信息 | 避雷器状态监测 | arrester condition monitoring | 阻性电流 阻性分量 全电流 劣化 泄漏电流 容性电流 老化劣化 劣化预警
grid.pd                 | 电子信息 | 局部放电 | partial discharge | 局部放电 局放 超高频 绝缘状态 特高频 放电模式 pC
@obj.transformer        | 电子信息 | 变压器与套管 | transformers and bushings | 变压器 干式变压器 套管 电容芯体 绕组 线圈
insulation.casting      | 新材料 | 绝缘浇注与浸渍 | insulation casting and impregnation | 浇注 真空浇注 浸渍 胶浸纸 固化开裂 放热峰 潜伏性 击穿场强 浇注材料 环氧浇注 固化工艺 梯度固化 酸酐
@obj.insulator          | 电子信息 | 绝缘子 | insulators | 绝缘子 复合绝缘子 伞裙 瓷绝缘子
insulator.housing       | 新材料 | 外绝缘老化 | external-insulation ageing | 憎水 憎水性 耐电蚀 粉化 污秽 重污秽 污闪 电蚀损 高温硫化硅橡胶 RTV 伞裙老化 高海拔
@obj.cable              | 电子信息 | 电缆 | cables | 电缆 电缆附件 线束 导线
cable.accessory         | 新材料 | 电缆附件材料 | cable-accessory materials | 应力锥 液体硅橡胶 半导电 共硫化 预制件 冷缩 进口材料
@obj.line_fitting       | 新材料 | 电力金具 | power-line fittings | 金具 线夹 耐张线夹 节能金具
grid.line_loss          | 新材料 | 线路损耗 | line losses | 电能损耗 线路损耗 涡流损耗 磁滞损耗 节能导线 铸铁件 非磁性
sensor.wireless         | 电子信息 | 无线低功耗传感 | wireless low-power sensing | 无线传感器 无线 测振 MEMS 加速度计 低功耗 LoRa NB-IoT 电池寿命 布线 无源无线
condition.monitoring    | 电子信息 | 设备状态监测 | condition monitoring | 状态监测 振动监测 在线监测 设备监测 测温
sensor.vital_signs      | 电子信息 | 生命体征监测 | vital-sign monitoring | 心跳 心率 呼吸 生命体征 心冲击图 BCG 压电薄膜 睡眠监测 翻身 离床 起夜
rf.antenna              | 电子信息 | 射频与天线 | RF and antennas | 天线 射频 无源互调 PIM MIMO 隔离度 天线罩 透波 基站
pcb.highfreq            | 电子信息 | 高频电路板 | high-frequency PCB | 覆铜板 低损耗 PTFE 碳氢树脂 5G 混压 高频覆铜板 高频材料 高频PCB 介电性能
software.platform       | 高技术服务 | 工业软件与数据平台 | industrial software and data platforms | MES 制造执行 工业软件 SaaS 数据平台 大数据 App 手机App

# ═════════ 新能源与节能 ═════════
@obj.ev                 | 新能源与节能 | 电动汽车 | electric vehicles | 电动车 电动汽车 新能源车 新能源汽车 纯电动 物流车 乘用车 整车
ev.thermal              | 新能源与节能 | 整车热管理/热泵 | EV thermal management / heat pump | 热泵 补气增焓 热管理 暖风 采暖 PTC 冬季续航 续航衰减 制热 能效比 COP 空调
battery.cooling         | 新能源与节能 | 电池包热管理 | battery-pack thermal management | 冷板 液冷 均温 温差 快充过热 电芯温度 电芯产热 散热设计 流道
@obj.battery            | 新能源与节能 | 动力电池 | traction batteries | 电池包 电芯 动力电池 锂电池 锂离子电池 磷酸铁锂 电池管理系统 BMS
battery.soc             | 新能源与节能 | 荷电状态估计 | state-of-charge estimation | 剩余电量 SOC 荷电状态 电量显示 卡尔曼 开路电压 迟滞 电池模型 续航跳变
ev.energy_management    | 新能源与节能 | 整车能量管理 | vehicle energy management | 续航里程 整车控制 能量管理 制动能量回收 再生制动 刹车回收 控制策略 工况识别
~design.lightweight     | 通用 | 轻量化 | lightweight design | 减重 轻量化 拓扑优化 结构优化
ev.body                 | 先进制造与自动化 | 车身结构 | vehicle body structure | 白车身 空间框架 挤压型材 复合材料蒙皮 碰撞安全 耐撞性
@obj.motor              | 新能源与节能 | 电机 | electric motors | 电机 驱动电机 永磁电机 永磁同步电机 电驱
motor.nvh               | 新能源与节能 | 电机电磁噪声 | motor electromagnetic noise | 啸叫 电磁噪声 电磁力波 径向力 斜极 转矩脉动 转矩波动 齿槽 NVH 振动噪声 阶次噪声
motor.power_density     | 新能源与节能 | 电机功率密度 | motor power density | 功率密度 扁线 Hair-pin 发卡绕组 槽满率 绕组工艺 油冷 电磁设计
motor.controller        | 新能源与节能 | 电机控制器 | motor controller / inverter | 电机控制器 逆变器 IGBT 三合一
transformer.noise       | 新能源与节能 | 变压器噪声 | transformer noise | 变压器噪声 铁心振动 磁致伸缩 空载噪声 铁心
@obj.fuel_cell          | 新能源与节能 | 燃料电池 | fuel cells | 燃料电池 电堆 质子交换膜 氢燃料
fc.catalyst             | 新能源与节能 | 燃料电池催化剂 | fuel-cell catalysts | 铂用量 低铂 铂载量 核壳 Pt-Co 氧还原 ORR 质量活性 电催化剂
fc.cold_start           | 新能源与节能 | 燃料电池低温启动 | fuel-cell cold start | 冷启动 低温启动 冬季启动 零下启动 结冰 吹扫 膜含水量 自加热
fc.mea                  | 新能源与节能 | 膜电极制造 | MEA manufacturing | 膜电极 MEA CCM 催化剂涂层膜 狭缝涂布 卷对卷 手工制备
energy.waste_heat       | 新能源与节能 | 余热回收 | waste-heat recovery | 余热 余热利用 余热回收 热回收 换热 换热器 热管 板式换热 梯级利用 热水
energy.hydraulic        | 新能源与节能 | 液压节能 | hydraulic energy saving | 液压机 液压系统 空载能耗 伺服泵 伺服直驱 按需供油 容积调速 变频 油温
@obj.compressor         | 新能源与节能 | 压缩机 | compressors | 空压机 压缩机 喷油 回转压缩机 螺杆空压机 螺杆压缩机
@obj.stenter            | 先进制造与自动化 | 定形机 | stenters | 定形机 拉幅定形机
env.oily_fumes          | 资源与环境 | 含油废气 | oily exhaust fumes | 油烟 含油废气 高压静电 定形机废气 排风

# ═════════ 资源与环境 ═════════
env.etchant             | 资源与环境 | 蚀刻液再生 | etchant regeneration | 蚀刻液 蚀刻废液 酸性蚀刻 氯化铜 膜电解 铜回收 阴极铜 再生回用
env.water_reuse         | 资源与环境 | 废水回用 | wastewater reuse | 废水回用 中水回用 回用 超滤 反渗透 膜处理 双膜 浓水 排放总量
@obj.dyeing             | 资源与环境 | 印染 | dyeing | 印染 染色 染料 上染 染整
dyeing.salt_free        | 资源与环境 | 少盐/无盐染色 | low-salt reactive dyeing | 元明粉 用盐量 无盐 无电解质 阳离子改性 季铵化 活性染料 含盐
env.saline_wastewater   | 资源与环境 | 含盐有机废水 | saline organic wastewater | 含盐废水 高盐废水 难降解 湿式氧化 MVR 机械蒸汽再压缩 蒸发 结晶 接管标准 盐分回收
env.voc_abatement       | 资源与环境 | 有机废气治理 | VOC abatement | 废气 活性炭 转轮 吸附浓缩 催化氧化 RTO RCO 涂装废气 达标排放 非甲烷总烃
env.solid_waste         | 资源与环境 | 工业固废资源化 | industrial solid-waste reuse | 固废 工业废渣 粉煤灰 钢渣 脱硫石膏 废砂 堆存 资源化 综合利用 免烧砖 砌块
env.manure              | 资源与环境 | 畜禽粪污 | livestock manure | 粪污 猪粪 粪便 堆肥 好氧发酵 腐熟 臭味 氨挥发 有机肥

# ═════════ 生物与新医药: food, agriculture ═════════
@obj.meat               | 生物与新医药 | 肉制品 | meat products | 肉制品 酱卤肉 火腿 腌腊肉 熟肉制品 禽肉 猪肉 卤制 盐水鸭
food.preservation       | 生物与新医药 | 保鲜与货架期 | preservation and shelf life | 保质期 货架期 保鲜 防腐剂 杀菌 巴氏杀菌 二次杀菌 真空包装 气调包装 栅栏技术 冷链 菌落总数 Nisin 乳酸链球菌素
food.salt_reduction     | 生物与新医药 | 减盐与快速成熟 | salt reduction and fast curing | 咸度 偏咸 减盐 低盐 钾盐 腌制 腌腊 快速成熟 生产周期 发酵周期
food.pickles            | 生物与新医药 | 酱腌菜 | pickled vegetables | 萝卜干 酱腌菜 腌菜 亚硝酸盐 乳酸菌 植物乳杆菌 低盐发酵
food.brewing            | 生物与新医药 | 酿造 | brewing | 黄酒 酿造 酵母 麦曲 高级醇 口味 苦涩 菌种 酱油 食醋 白酒
agri.bolting            | 生物与新医药 | 抽薹与品种 | bolting and varieties | 抽薹 春化 冬性 品种 选育 分子标记 不结球白菜 塌菜 青菜
agri.seedling           | 生物与新医药 | 工厂化育苗 | industrial seedling production | 育苗 种苗 成苗率 徒长 嫁接 穴盘 基质 壮苗 壮秧
agri.rice_aquaculture   | 生物与新医药 | 稻渔综合种养 | rice–aquaculture co-culture | 稻田养虾 稻虾 稻渔 克氏原螯虾 小龙虾 综合种养 亩均效益
agri.feed               | 生物与新医药 | 饲料配方 | feed formulation | 饲料 豆粕 日粮 低蛋白 净能 生猪 氮排放 理想氨基酸 晶体氨基酸
agri.irrigation         | 电子信息 | 智能灌溉 | smart irrigation | 浇水 灌溉 施肥 水肥 墒情 土壤湿度 需水 手机控制 远程控制
agri.propagation        | 生物与新医药 | 苗木繁育 | plant propagation | 盆景 雀梅 扦插 快繁 苗源 成型周期 截干 容器苗 控根
`;

export type ConceptKind = "problem" | "object" | "broad";

export type Concept = {
  id: string;
  kind: ConceptKind;
  field: string;
  zh: string;
  en: string;
  terms: string[];
};

function parse(table: string): Concept[] {
  const out: Concept[] = [];
  const seen = new Set<string>();
  for (const raw of table.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const parts = line.split("|").map((p) => p.trim());
    if (parts.length !== 5) throw new Error(`concepts: bad line "${line}"`);
    const [rawId, field, zh, en, terms] = parts;
    const kind: ConceptKind = rawId.startsWith("@") ? "object" : rawId.startsWith("~") ? "broad" : "problem";
    const id = kind === "problem" ? rawId : rawId.slice(1);
    if (seen.has(id)) throw new Error(`concepts: duplicate id ${id}`);
    seen.add(id);
    out.push({ id, kind, field, zh, en, terms: [...new Set(terms.split(/\s+/).filter(Boolean))] });
  }
  return out;
}

export const CONCEPTS: readonly Concept[] = parse(TABLE);
