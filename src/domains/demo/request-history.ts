// A deterministic generator of resident requests (诉求) for the demo district: years of hotline, app, WeChat and
// grid-patrol texts with their category labels, urgency and channel. It feeds the requests domain's demo data,
// the classifier's tests and its benchmark.
//
// The texts are composed from many independent fragments (openings, who is calling, where, since when, the
// problem told in several ways, consequences, feelings, asks, particles) so that no two follow one template, and
// they are made hard on purpose, as real hotline text is: neighbouring categories share words (a leak from the
// flat above vs. a burst main vs. a leaking roof), some texts mention a second problem, some are vague, a few
// carry typos, and about 6 % carry the label a hurried operator would have chosen (a neighbouring category).
// Seasonality follows a city south of the Huai river with district heating (heating in winter, noise, water
// pressure and mosquitoes in summer, typhoon branches in late summer).

import { SeededRandom } from '../../lib/random/seeded.ts';
import { REQUEST_CATEGORIES, type RequestCategory, requestCategoryByName } from '../requests/categories.ts';

export type RequestChannel = 'hotline' | 'app' | 'wechat' | 'grid_patrol';

export interface RequestArea {
  street: string;
  community: string;
  grid?: string;
}

export interface GeneratedRequest {
  text: string;
  categoryCode: string;
  receivedAt: Date;
  channel: RequestChannel;
  /** The community (or grid) the text refers to. */
  areaHint: string;
  street: string;
  urgent: boolean;
  /** -1 angry … 0 neutral … 1 grateful, as written into the text. */
  sentiment: number;
}

export interface RequestHistoryOptions {
  seed: number;
  /** First day: its UTC date is taken as a China calendar day; times of day are China time (UTC+8). */
  start: Date;
  days: number;
  /** Mean requests per day (varies by weekday and season). */
  perDay: number;
  areas: readonly RequestArea[];
}

/** Problem phrasings per leaf category (by leaf name). Several per leaf, none a full sentence template. */
const PROBLEMS: Record<string, string[]> = {
  占道经营: [
    '门口有人摆摊卖水果把人行道都占了',
    '小商贩天天在路边占道经营',
    '早市的摊位一直摆到马路中间',
    '店家把货物堆到店外面经营',
    '流动摊贩推着三轮车在路口卖东西',
    '夜市摊子占了盲道',
  ],
  乱停乱放: [
    '马路边上乱停车，消防通道都堵了',
    '共享电动车和私家车乱停在人行道上',
    '有辆车长期停在路口不挪',
    '路边违停严重，公交车都过不去',
    '僵尸车在路边停了大半年',
  ],
  非法小广告: [
    '楼道里贴满了开锁办证的小广告',
    '电线杆上全是牛皮癣广告',
    '有人往车上塞小卡片',
    '墙上喷涂的广告电话清不掉',
  ],
  露天烧烤: ['烧烤摊晚上在路边露天烤串，烟很大', '夜宵摊支起烧烤架子烤到半夜', '路边烧烤烟熏火燎的'],
  井盖缺失破损: [
    '路上的井盖不见了，留了个大洞',
    '窨井盖碎了，人走上去会掉下去',
    '下水道盖子松动，车一压就翻起来',
    '雨水篦子丢了一个',
  ],
  路灯不亮: [
    '路灯坏了好几盏，晚上黑漆漆的',
    '小路上的灯一直不亮',
    '路灯白天亮晚上反而灭',
    '整条街的路灯都不亮了',
  ],
  垃圾清运: [
    '垃圾桶满了没人清，都溢出来了',
    '垃圾站好几天没清运，臭气熏天',
    '生活垃圾堆在那里没人拉走',
    '垃圾车很久才来一次',
  ],
  垃圾分类: [
    '垃圾分类的桶撤了，不知道往哪扔',
    '定时定点投放的时间太短，上班族赶不上',
    '分类垃圾桶都混在一起倒了',
    '厨余垃圾桶不够用',
  ],
  道路保洁: [
    '路面很脏，落叶和纸屑没人扫',
    '马路上有油污一直没清洗',
    '人行道上狗屎很多没人打扫',
    '路边都是烟头和塑料袋',
  ],
  公厕问题: [
    '公共厕所很脏，味道很大',
    '公厕没有纸，水龙头也坏了',
    '公厕一到晚上就锁门',
    '公共卫生间的冲水坏了',
  ],
  建筑垃圾渣土: [
    '有人把装修垃圾倒在绿化带里',
    '渣土车撒了一路的泥',
    '建筑垃圾堆在楼下几个月了',
    '拆下来的砖头瓦块乱堆',
  ],
  施工噪音: [
    '工地晚上还在施工，噪音太大',
    '半夜打桩机响个不停',
    '凌晨还在浇筑混凝土，吵得睡不着',
    '工地夜间施工扰民',
    '切割机的声音从早响到晚',
  ],
  商业噪音: ['楼下商铺的音响放得震天响', 'KTV唱歌声音太吵了', '店门口用喇叭循环播放促销', '酒吧开到凌晨很吵'],
  广场舞噪音: [
    '广场舞音乐开得很大声',
    '大妈跳舞的音响吵死人',
    '每天晚上公园里跳舞放歌太响',
    '早上六点就开始放广场舞音乐',
  ],
  邻居噪音: [
    '楼上邻居天天半夜蹦跶拖椅子',
    '隔壁装修电钻声停不下来',
    '楼上小孩跑来跑去咚咚响',
    '邻居家半夜打麻将吵得没法睡',
    '对门一直大声放音乐',
  ],
  交通噪音: [
    '高架上的车声太吵了，能不能装隔音屏',
    '大货车半夜经过噪音很大',
    '摩托车炸街的声音太吓人',
    '马路改造后车流噪音大了很多',
  ],
  停水: ['家里突然停水了，也没有通知', '整栋楼都没水了', '水龙头一滴水都没有', '停水一整天了还没来水'],
  水压低: [
    '水压特别低，热水器都打不着火',
    '高层用水水很小，洗澡都成问题',
    '一到用水高峰水就上不去',
    '水龙头出水细得像线一样',
  ],
  水质问题: ['自来水发黄有锈味', '水里有白色的沉淀物', '自来水浑浊还有一股怪味', '烧开的水有很多水垢和异味'],
  管道漏水爆管: [
    '路边的自来水管爆了，水哗哗地往外冒',
    '地下供水管道破裂，路面都淹了',
    '小区里的水管漏水好几天',
    '消防栓漏水一直在流',
  ],
  水费水表: [
    '这个月水费高得离谱',
    '水表好像坏了，走字特别快',
    '水表换了以后读数不对',
    '不知道水费怎么在网上交',
  ],
  暖气不热: [
    '暖气不热，屋里才十几度',
    '暖气片摸着冰凉的',
    '供暖温度不达标，老人冻得受不了',
    '暖气只有上半截是热的',
    '家里暖气一点都不热',
  ],
  暖气漏水: ['暖气片接口漏水，把地板泡了', '暖气管子滴水', '暖气阀门坏了往外喷水'],
  供暖收费: [
    '供暖费收得太高了',
    '家里没人住也要交取暖费吗',
    '暖气费的收费标准不清楚',
    '采暖费交了但是发票没给',
  ],
  供暖开通报停: ['想办理暖气报停', '新房子怎么申请开通供暖', '今年什么时候开始供暖', '想问问暖气停供的手续'],
  燃气泄漏: [
    '楼道里闻到很重的煤气味',
    '家里燃气好像漏气了',
    '天然气管道有嘶嘶的漏气声',
    '厨房一股燃气味，不敢开火',
  ],
  停气: ['突然停气了，做不了饭', '燃气灶打不着，整个小区都没气', '天然气停了两天了'],
  燃气缴费开户: [
    '燃气费交了但是表里没充上',
    '新房想开通天然气',
    '燃气卡充值后显示不了',
    '燃气公司收的开户费合不合理',
  ],
  燃气安全检查: [
    '有人上门说是燃气公司的要检查，不知道真假',
    '燃气公司安检一直约不上',
    '燃气管子老化了想请人检查一下',
    '入户安检的人推销报警器',
  ],
  物业服务质量: [
    '物业什么都不管，保安形同虚设',
    '物业服务太差了，打电话没人接',
    '小区卫生物业也不打扫',
    '物业态度恶劣，报修拖着不办',
  ],
  物业收费: [
    '物业费年年涨价也不公示',
    '物业乱收停车费和装修押金',
    '物业费收了服务没跟上',
    '物业公司多收公摊水电费',
  ],
  电梯故障: [
    '电梯又坏了，老人上不了楼',
    '电梯经常停在半空中',
    '电梯门关不上，一直报警',
    '有人被困在电梯里了',
    '电梯运行时有异响',
  ],
  小区停车: [
    '小区里车位太少，晚上没地方停车',
    '外来车辆随便进小区占车位',
    '小区停车费涨得太厉害',
    '有人把车停在楼门口堵住出入',
  ],
  公共设施维修: [
    '楼道灯坏了一直没人修',
    '单元门的门禁坏了',
    '小区健身器材坏了很危险',
    '楼道窗户玻璃碎了没人换',
  ],
  业委会选举: [
    '业委会选举不公开，业主都不知道',
    '想成立业主委员会不知道怎么弄',
    '业委会和物业串通，账目不公开',
  ],
  房屋漏雨渗水: [
    '顶楼一下雨就漏雨',
    '外墙渗水，墙皮都发霉了',
    '屋顶防水层坏了，天花板在滴水',
    '楼顶漏水，家里接了好几个盆',
  ],
  墙体开裂: ['承重墙上裂了一道大缝', '墙体开裂越来越宽，担心房子塌', '楼梯间墙面出现很多裂缝'],
  老旧小区改造: [
    '我们这个老小区什么时候能改造',
    '老旧小区改造把路挖了不填',
    '改造工程质量差，刚修好的管子又漏',
    '老小区的管网太破了希望纳入改造',
  ],
  加装电梯: ['老楼想加装电梯，低层不同意', '加装电梯的补贴怎么申请', '加装电梯施工挡住了一楼采光'],
  外墙脱落: ['外墙瓷砖掉下来差点砸到人', '楼上的墙皮大块往下掉', '外立面保温层脱落挂在半空'],
  公交线路: [
    '公交车班次太少，等半小时都不来',
    '公交站牌撤了也不通知',
    '希望增开一条到地铁站的公交',
    '公交司机不按站停车',
  ],
  道路破损: [
    '马路上有个大坑，电动车摔了好几个',
    '路面坑坑洼洼，下雨全是积水',
    '人行道砖松动翘起来了',
    '路面塌陷了一块',
  ],
  交通信号灯: [
    '路口红绿灯坏了，车都乱开',
    '红绿灯时间太短，老人过不去马路',
    '信号灯一直闪黄灯',
    '希望路口加个红绿灯',
  ],
  出租车网约车: ['出租车拒载还绕路', '网约车司机多收钱', '黑车在地铁口拉客', '出租车不打表乱要价'],
  共享单车: ['共享单车堆在地铁口，路都走不了', '坏的共享单车扔在小区门口没人收', '共享单车押金退不了'],
  居家养老: [
    '家里老人瘫痪在床，想申请上门护理',
    '居家养老服务的上门次数太少',
    '想给老人申请助浴服务',
    '养老服务员上门时间不固定',
  ],
  老年食堂助餐: [
    '社区老年食堂饭菜不好吃还贵',
    '老年助餐点关门了',
    '希望社区给老人送餐',
    '长者食堂的补贴没有了',
  ],
  养老机构: ['养老院护理员对老人态度不好', '想找家附近的养老院，床位都满了', '养老院收费不透明'],
  高龄津贴: ['老人满八十岁了高龄津贴还没发', '高龄补贴怎么申请', '高龄津贴停发了不知道原因'],
  独居老人关爱: [
    '隔壁独居老人好几天没出门了',
    '楼上的孤寡老人电话打不通，敲门没人应',
    '独居老人摔倒了起不来',
    '空巢老人生病没人照顾',
  ],
  社区医院服务: [
    '社区卫生服务中心挂不上号',
    '社区医院药品不全，开不到药',
    '社区医生态度不好',
    '家庭医生签约了也联系不上',
  ],
  医保报销: ['异地就医报销不了', '医保卡里的钱被扣了', '门诊费用报销比例不对', '医保断缴了怎么补'],
  疫苗接种: ['孩子打疫苗预约不上', '流感疫苗哪里能打', '接种点人太多排很久'],
  病媒防治: ['小区老鼠特别多', '蚊子太多，希望消杀', '楼道里有很多蟑螂', '垃圾站苍蝇成群'],
  低保救助: ['家里困难想申请低保', '低保审核一直没结果', '低保被取消了不知道为什么', '临时救助金怎么申请'],
  残疾人补贴: ['残疾人护理补贴没有到账', '残疾证怎么办理', '残疾人两项补贴停了'],
  社保缴纳: ['公司没给交社保', '灵活就业社保怎么交', '社保断缴会有什么影响', '社保转移手续办不下来'],
  养老金: ['养老金这个月少发了', '退休工资还没到账', '退休审批手续太麻烦', '养老金资格认证不会弄'],
  入学招生: [
    '孩子上小学的学区划分不合理',
    '非户籍孩子入学材料太多',
    '招生报名系统打不开',
    '学位不够，孩子被分到很远的学校',
  ],
  校外培训: ['培训机构卷钱跑路了', '校外培训班退费难', '有机构违规开学科补习班'],
  幼儿园托育: ['附近没有公办幼儿园', '托育机构收费太高', '幼儿园老师体罚孩子', '普惠性幼儿园名额太少'],
  校园周边安全: ['学校门口上下学时车太多很危险', '学校周边有人卖三无零食', '校门口没有减速带和斑马线'],
  拖欠工资: ['老板拖欠工资三个月了', '工地包工头欠薪不给', '公司倒闭了工资没结', '辞职以后工资一直不发'],
  劳动合同: ['公司不签劳动合同', '被辞退了没有补偿', '单位强迫加班不给加班费', '试用期被无故解除'],
  就业培训: ['失业了想参加技能培训', '社区有没有就业岗位推荐', '失业金怎么领取', '想了解创业补贴政策'],
  食品安全: ['在饭店吃饭吃出了虫子', '超市卖过期食品', '外卖店后厨很脏', '买的熟食吃了拉肚子'],
  预付卡退费: [
    '健身房关门了，卡里的钱退不了',
    '理发店办的会员卡老板跑了',
    '教育机构预付费不给退',
    '美容院充值卡不能用了',
  ],
  价格欺诈: ['超市标价和结账价格不一样', '商家先涨价再打折', '菜市场缺斤短两', '景区商店宰客'],
  无证经营: ['小区里开了一家没有执照的小作坊', '无证行医的诊所', '居民楼里开黑网吧', '无证经营的废品收购站'],
  消防隐患: [
    '消防通道被杂物堵死了',
    '楼道里堆满纸箱，着火就完了',
    '灭火器都过期了',
    '消防栓没有水',
    '有人在楼道里烧东西冒烟',
  ],
  电动车充电: [
    '有人把电动车推进楼道里充电',
    '从楼上拉飞线给电瓶车充电',
    '电梯里带电动车上楼',
    '充电桩太少，大家只能在家里充电',
  ],
  治安问题: ['晚上有人在小区里偷电动车', '有人在楼下打架', '可疑人员在小区里转悠', '车窗被砸了东西被偷'],
  电信诈骗: ['接到冒充公检法的诈骗电话', '老人被骗买保健品', '网上刷单被骗了钱'],
  楼上漏水纠纷: [
    '楼上卫生间漏水到我家，邻居不给修',
    '楼上家里的水管漏水把我家天花板泡了',
    '楼上渗水，找他们家协商不理',
  ],
  宠物扰民: ['邻居家的狗整夜叫', '遛狗不牵绳，吓到小孩', '楼道里有人养鸽子很脏', '狗在电梯里随地大小便'],
  公共空间占用: [
    '邻居把楼道当储物间堆东西',
    '有人在公共绿地上种菜',
    '楼顶平台被人圈起来私用',
    '楼道里放了鞋柜和自行车',
  ],
  私搭乱建: [
    '一楼住户在院子里私搭乱建',
    '楼顶加盖了违章建筑',
    '有人在小区里搭彩钢棚',
    '围墙外面违建了一排平房',
  ],
  违规装修: ['楼上装修砸了承重墙', '邻居装修把阳台外扩', '有人在房子里打隔断出租群租'],
  侵占绿地: ['绿地被人圈起来做停车场', '有人把绿化带挖了铺地砖', '小区绿地被占用搭了棚子'],
  树木修剪: ['树枝太长挡住了窗户，屋里很暗', '树枝碰到电线了很危险', '行道树长得太高挡住了路灯'],
  倒伏断枝: ['大树被风刮倒压在路上', '断掉的树枝挂在半空随时掉下来', '台风后树倒了压住了车'],
  绿地养护: ['绿化带的草长得半人高没人修', '小区绿地都秃了没人补种', '公园里的草坪被踩坏了'],
  油烟污染: ['楼下饭店的油烟直排进我家窗户', '餐馆没有装油烟净化器', '排烟管道正对着住户'],
  废气异味: ['附近工厂排放刺鼻气味', '晚上总闻到一股化工味', '汽修店喷漆味道很大'],
  水体污染: ['河道里的水发黑发臭', '有人往河里排污水', '池塘里死鱼很多'],
  扬尘污染: ['工地没有覆盖，风一吹满天灰', '搅拌站扬尘很严重', '拆迁现场尘土飞扬'],
  政策咨询: [
    '想咨询一下公租房的申请条件',
    '想问一下居住证怎么办',
    '请问生育补贴政策',
    '想了解一下积分落户的政策',
  ],
  表扬感谢: [
    '想表扬一下社区的网格员，帮了我们大忙',
    '感谢物业师傅及时帮我们修好了水管',
    '街道工作人员很负责，问题解决得很快',
    '要给热线点个赞，反映的问题当天就处理了',
  ],
  其他诉求: [
    '想反映一个情况不知道该找谁',
    '家门口的快递柜太少了',
    '小区门口的信号很差',
    '希望小区里增加一些休息座椅',
  ],
};

/** Second phrasings that add detail, per major class (by major code); shared by the leaves of that class. */
const DETAILS: Record<string, string[]> = {
  '01': ['城管来了就走，走了又来', '周边商户都有意见', '晚上尤其严重', '看着特别乱'],
  '02': ['夏天味道特别大', '影响小区环境', '苍蝇蚊子很多', '环卫工人说不归他们管'],
  '03': ['老人孩子都休息不好', '影响第二天上班', '晚上十点以后还这样', '我们已经跟对方说过了'],
  '04': ['家里老人孩子要用水', '做饭洗澡都不方便', '问了物业说是自来水公司的事'],
  '05': ['家里有老人和婴儿', '供热公司的电话打不通', '开了空调也不管用'],
  '06': ['家里有老人', '担心出事', '物业说要找燃气公司'],
  '07': ['物业一直推脱', '业主群里大家都很有意见', '交了物业费却享受不到服务'],
  '08': ['住着心里不踏实', '找过物业说不归他们管', '维修基金不知道怎么用'],
  '09': ['上下班很不方便', '早晚高峰特别严重', '老人出行很困难'],
  '10': ['子女都在外地', '老人行动不便', '社区工作人员说要等通知'],
  '11': ['跑了好几趟都没办成', '窗口说材料不全', '网上也查不到'],
  '12': ['家里生活很困难', '材料都交了', '街道说在审核'],
  '13': ['家长都很着急', '学校说要问教育局', '政策看不明白'],
  '14': ['去公司找了几次都不给', '家里等着这笔钱用', '劳动监察那边还没回复'],
  '15': ['商家态度很差', '有小票和照片', '打商家电话也不接'],
  '16': ['万一出事后果不堪设想', '已经提醒过好几次', '晚上根本不敢出门'],
  '17': ['找对方沟通没有用', '社区调解过一次没结果', '邻里关系搞得很僵'],
  '18': ['已经持续好几个月了', '别人也跟着学', '存在安全隐患'],
  '19': ['没有人管', '下雨天更严重', '影响出行'],
  '20': ['窗户都不敢开', '家里小孩一直咳嗽', '晾的衣服都有味'],
  '21': ['不知道该问哪个部门', '网上没有找到答案', '麻烦给解答一下'],
};

/** Leaves whose words overlap: the second-problem mentions and the operator's slips come from these pairs. */
const NEIGHBOURS: Array<[string, string]> = [
  ['邻居噪音', '宠物扰民'],
  ['楼上漏水纠纷', '房屋漏雨渗水'],
  ['楼上漏水纠纷', '管道漏水爆管'],
  ['物业服务质量', '公共设施维修'],
  ['物业服务质量', '物业收费'],
  ['小区停车', '乱停乱放'],
  ['施工噪音', '扬尘污染'],
  ['油烟污染', '露天烧烤'],
  ['垃圾清运', '道路保洁'],
  ['停水', '水压低'],
  ['暖气不热', '供暖收费'],
  ['商业噪音', '广场舞噪音'],
  ['私搭乱建', '公共空间占用'],
  ['违规装修', '邻居噪音'],
  ['居家养老', '独居老人关爱'],
  ['低保救助', '残疾人补贴'],
  ['社保缴纳', '养老金'],
  ['道路破损', '井盖缺失破损'],
  ['消防隐患', '电动车充电'],
  ['树木修剪', '倒伏断枝'],
  ['占道经营', '无证经营'],
  ['建筑垃圾渣土', '私搭乱建'],
  ['老旧小区改造', '加装电梯'],
  ['电梯故障', '公共设施维修'],
  ['政策咨询', '其他诉求'],
];

const OPENINGS = [
  '你好，',
  '您好，',
  '喂，你好，',
  '我要反映个问题，',
  '我想投诉一下，',
  '麻烦问一下，',
  '反映一个情况：',
  '请领导重视一下，',
  '',
  '',
  '',
  '',
];
const WHO = [
  '我是{c}的居民，',
  '我住在{c}，',
  '我是{c}的业主，',
  '我家在{c}{b}，',
  '我是个退休老人，住{c}，',
  '我替我妈反映，她住{c}，',
  '',
  '',
];
const WHERE = [
  '{c}{b}',
  '{c}小区门口',
  '{c}东门',
  '{c}附近的路口',
  '我们楼下',
  '{c}后面那条路',
  '{s}{c}',
  '',
];
const SINCE = [
  '已经三天了，',
  '这个月以来，',
  '最近一个星期',
  '从上个月开始',
  '好长时间了，',
  '今天早上',
  '昨天晚上',
  '这两天',
  '一直以来',
  '',
  '',
  '',
];
const CONNECT = ['，而且', '，还有', '，', '。另外', '，同时', '，搞得'];
const FEELINGS_NEG = [
  '真是太气人了',
  '实在忍无可忍了',
  '打了好几次电话都没人管',
  '这已经是第三次反映了',
  '到底有没有人管',
  '太不像话了',
  '大家意见都很大',
];
const FEELINGS_NEUTRAL = ['麻烦了', '谢谢', '辛苦了', ''];
const URGENT = [
  '情况很紧急',
  '非常危险，请马上派人来',
  '随时可能出人命',
  '家里有老人，十万火急',
  '请尽快处理，等不了了',
];
const ASKS = [
  '希望有关部门尽快处理',
  '请派人来看看',
  '能不能管一管',
  '希望给个说法',
  '请尽快解决',
  '请相关部门核实处理',
  '希望早点答复',
  '麻烦协调一下',
  '要求彻底整改',
  '',
];
const PARTICLES = ['啊', '呀', '吧', '啦', '哈', '嘛', ''];
const PATROL_OPENINGS = ['网格员巡查发现：', '巡查中发现，', '日常走访发现', '网格巡查上报：'];
const PATROL_ASKS = [
  '已拍照留存，建议相关部门处置。',
  '现场已劝导，需职能部门跟进。',
  '已告知居民，请派单处理。',
];

/** Common slips of hotline transcription (homophones and near forms). */
const TYPOS: Array<[string, string]> = [
  ['暖气', '暖器'],
  ['物业', '物叶'],
  ['投诉', '头诉'],
  ['电梯', '电题'],
  ['燃气', '然气'],
  ['噪音', '噪声'],
  ['垃圾', '拉圾'],
  ['漏水', '露水'],
  ['已经', '以经'],
  ['派人', '排人'],
];

/** Interchangeable words callers use for the same thing; applied at random so phrasings do not repeat verbatim. */
const SYNONYMS: Array<[string, string[]]> = [
  ['小区', ['院里', '小区里', '我们院', '园区']],
  ['很', ['特别', '非常', '挺', '相当']],
  ['太', ['实在太', '真是太', '也太']],
  ['没人', ['没有人', '无人', '也没人']],
  ['一直', ['始终', '老是', '总是']],
  ['晚上', ['夜里', '半夜', '天黑以后']],
  ['好几', ['好些', '许多', '几']],
  ['老人', ['老年人', '上了年纪的人', '老人家']],
  ['孩子', ['小孩', '娃', '小朋友']],
  ['坏了', ['出故障了', '不好使了', '坏掉了']],
  ['楼道', ['过道', '楼梯间', '走廊']],
  ['邻居', ['邻居家', '隔壁住户', '那户人家']],
  ['希望', ['盼望', '恳请', '请求']],
  ['怎么', ['如何', '咋']],
  ['不知道', ['搞不清', '不清楚', '不晓得']],
  ['马路', ['路上', '道路', '街上']],
  ['家里', ['屋里', '我家', '家中']],
  ['问题', ['毛病', '情况', '事情']],
];

/** Month weights (Jan…Dec) of seasonal leaves; others weigh 1 all year. */
const SEASON: Record<string, number[]> = {
  暖气不热: [5, 4, 2.5, 0.6, 0, 0, 0, 0, 0, 0.2, 3, 5],
  暖气漏水: [2.5, 2, 1.2, 0.3, 0, 0, 0, 0, 0, 0.3, 2.5, 2.5],
  供暖收费: [1, 0.6, 0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.8, 2, 1.2],
  供暖开通报停: [0.3, 0.2, 0.5, 0.4, 0, 0, 0, 0.2, 1.2, 2.5, 1.5, 0.3],
  停水: [0.8, 0.7, 0.8, 0.9, 1.1, 1.4, 1.9, 1.9, 1.2, 0.9, 0.8, 0.9],
  水压低: [0.5, 0.5, 0.6, 0.8, 1.2, 1.8, 2.5, 2.4, 1.4, 0.8, 0.5, 0.5],
  施工噪音: [0.6, 0.4, 1, 1.2, 1.3, 1.4, 1.5, 1.4, 1.2, 1.1, 1, 0.7],
  广场舞噪音: [0.3, 0.3, 0.8, 1.3, 1.7, 1.9, 2, 2, 1.7, 1.3, 0.6, 0.3],
  商业噪音: [0.7, 0.8, 0.9, 1, 1.2, 1.4, 1.6, 1.6, 1.2, 1, 0.8, 0.7],
  露天烧烤: [0.2, 0.2, 0.4, 0.8, 1.4, 2.2, 2.8, 2.8, 1.6, 0.8, 0.3, 0.2],
  病媒防治: [0.2, 0.2, 0.4, 0.8, 1.4, 2.2, 2.8, 2.6, 1.6, 0.8, 0.3, 0.2],
  倒伏断枝: [0.3, 0.3, 0.5, 0.6, 0.8, 1.2, 2.5, 3, 2, 0.6, 0.3, 0.3],
  树木修剪: [0.5, 0.5, 1, 1.5, 1.8, 1.6, 1.3, 1.2, 1, 0.7, 0.5, 0.5],
  房屋漏雨渗水: [0.5, 0.6, 1, 1.2, 1.4, 2.5, 2.2, 1.8, 1.2, 0.7, 0.5, 0.5],
  燃气泄漏: [1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.2, 1.5],
  入学招生: [0.3, 0.4, 0.8, 1.8, 2.5, 2.5, 2, 2.5, 1.5, 0.4, 0.3, 0.3],
  疫苗接种: [0.8, 0.6, 0.6, 0.7, 0.7, 0.7, 0.8, 0.9, 1.6, 2, 1.6, 1],
  拖欠工资: [2.8, 1.6, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.2, 2.2],
  电动车充电: [1.2, 1, 1, 1, 1, 1.1, 1.1, 1.1, 1, 1, 1, 1.2],
  独居老人关爱: [1.4, 1.3, 1, 0.9, 0.9, 1, 1.3, 1.3, 0.9, 0.9, 1.1, 1.4],
};

/** Base frequency of each major class (by code): property, noise, city management and utilities dominate. */
const MAJOR_WEIGHT: Record<string, number> = {
  '01': 1.4,
  '02': 1.1,
  '03': 1.5,
  '04': 1,
  '05': 1.1,
  '06': 0.5,
  '07': 1.8,
  '08': 0.8,
  '09': 1,
  '10': 0.7,
  '11': 0.6,
  '12': 0.6,
  '13': 0.5,
  '14': 0.5,
  '15': 0.7,
  '16': 0.7,
  '17': 0.8,
  '18': 0.6,
  '19': 0.5,
  '20': 0.7,
  '21': 0.5,
};

interface LeafData {
  category: RequestCategory;
  problems: string[];
  neighbours: RequestCategory[];
}

/**
 * How often each leaf category (by code) is heard in a month (0 = January) relative to the others: its major
 * class's base frequency times its seasonal weight. The generator draws by these; the dashboard benchmark seeds
 * its million orders with the same mix.
 */
export function categoryMonthWeights(month: number): Map<string, number> {
  return new Map(
    REQUEST_CATEGORIES.map((c) => [c.code, (MAJOR_WEIGHT[c.majorCode] ?? 1) * (SEASON[c.zh]?.[month] ?? 1)]),
  );
}

function leafData(): LeafData[] {
  const neighboursOf = new Map<string, RequestCategory[]>();
  for (const [a, b] of NEIGHBOURS) {
    const ca = requestCategoryByName(a)!;
    const cb = requestCategoryByName(b)!;
    neighboursOf.set(ca.code, [...(neighboursOf.get(ca.code) ?? []), cb]);
    neighboursOf.set(cb.code, [...(neighboursOf.get(cb.code) ?? []), ca]);
  }
  return REQUEST_CATEGORIES.map((category) => {
    const problems = PROBLEMS[category.zh];
    if (!problems) throw new Error(`request history: no phrasings for category ${category.zh}`);
    return { category, problems, neighbours: neighboursOf.get(category.code) ?? [] };
  });
}

function fill(template: string, area: RequestArea, building: string): string {
  return template
    .replaceAll('{c}', area.community)
    .replaceAll('{s}', area.street)
    .replaceAll('{b}', building);
}

function withSynonyms(text: string, r: SeededRandom): string {
  let out = text;
  for (const [word, alternatives] of SYNONYMS) {
    if (out.includes(word) && r.chance(0.45)) out = out.replace(word, r.pick(alternatives));
  }
  return out;
}

/** Keeps one clause of a phrasing (callers often say only half of it). */
function clause(phrase: string, r: SeededRandom): string {
  const clauses = phrase.split('，');
  return clauses.length > 1 && r.chance(0.4) ? r.pick(clauses) : phrase;
}

function withTypos(text: string, r: SeededRandom): string {
  let out = text;
  for (const [right, wrong] of TYPOS)
    if (out.includes(right) && r.chance(0.25)) out = out.replace(right, wrong);
  return out;
}

const DAY_MS = 86_400_000;

/**
 * Requests for `days` days from `start`, `perDay` a day on average, ordered by receipt time. Same options, same
 * rows. Texts are 10–250 characters; about 12 % are vague, 15 % mention a second problem, 6 % (of those with a neighbour) carry a
 * neighbouring label.
 */
export function generateRequestHistory(options: RequestHistoryOptions): GeneratedRequest[] {
  const { seed, days, perDay, areas } = options;
  if (areas.length === 0) throw new Error('request history: at least one area is needed');
  const r = new SeededRandom(seed);
  const leaves = leafData();
  const startDay = Math.floor(options.start.getTime() / DAY_MS) * DAY_MS;
  const out: GeneratedRequest[] = [];
  for (let d = 0; d < days; d++) {
    const day = new Date(startDay + d * DAY_MS);
    const month = day.getUTCMonth();
    const weekday = day.getUTCDay();
    const byCode = categoryMonthWeights(month);
    const weights = leaves.map((l) => byCode.get(l.category.code)!);
    const total = weights.reduce((s, w) => s + w, 0);
    const weighted = leaves.map((l, i) => [l, weights[i]!] as const);
    const mean = perDay * (weekday === 0 || weekday === 6 ? 0.8 : 1.05);
    const count = Math.max(0, Math.round(r.normal(mean, Math.sqrt(mean))));
    const rows: GeneratedRequest[] = [];
    for (let i = 0; i < count; i++) rows.push(composeRequest(r, r.weighted(weighted, total), areas, day));
    rows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    out.push(...rows);
  }
  return out;
}

function composeRequest(
  r: SeededRandom,
  leaf: LeafData,
  areas: readonly RequestArea[],
  day: Date,
): GeneratedRequest {
  const area = r.pick(areas);
  const building = `${r.int(1, 40)}号楼${r.chance(0.5) ? `${r.int(1, 6)}单元` : ''}`;
  const channel = r.weighted<RequestChannel>([
    ['hotline', 55],
    ['app', 22],
    ['wechat', 13],
    ['grid_patrol', 10],
  ]);
  const emergencyTier = leaf.category.deadline.tier === 'emergency';
  const urgent = emergencyTier ? r.chance(0.75) : r.chance(0.04);
  const angry = r.chance(urgent ? 0.3 : 0.22);
  const praise = leaf.category.zh === '表扬感谢';
  const problem = withSynonyms(clause(r.pick(leaf.problems), r), r);
  const parts: string[] = [];
  const detailPool = DETAILS[leaf.category.majorCode] ?? [];

  if (channel === 'grid_patrol') {
    parts.push(r.pick(PATROL_OPENINGS), fill(r.pick(WHERE.filter((w) => w !== '')), area, building), problem);
    if (r.chance(0.4)) parts.push('，', r.pick(detailPool));
    if (urgent) parts.push('，', r.pick(['存在安全隐患', '情况紧急', '有安全风险，需立即处置']));
    parts.push('。', r.pick(PATROL_ASKS));
  } else {
    const vague = !praise && r.chance(0.12);
    if (r.chance(channel === 'hotline' ? 0.7 : 0.3)) parts.push(r.pick(OPENINGS));
    if (r.chance(channel === 'hotline' ? 0.6 : 0.35)) parts.push(fill(r.pick(WHO), area, building));
    if (r.chance(0.5)) parts.push(r.pick(SINCE));
    if (vague) {
      // The caller names the place and a feeling but hardly the problem: only a fragment of it survives.
      const chars = Array.from(problem);
      const from = r.int(0, Math.max(0, chars.length - 4));
      parts.push(
        fill(r.pick(WHERE), area, building),
        '那个',
        chars.slice(from, from + r.int(2, 4)).join(''),
        '的事',
      );
    } else {
      if (r.chance(0.5)) parts.push(fill(r.pick(WHERE), area, building));
      parts.push(problem);
      if (r.chance(0.35)) parts.push(r.pick(CONNECT), withSynonyms(clause(r.pick(leaf.problems), r), r));
      if (r.chance(0.45) && detailPool.length > 0) parts.push('，', r.pick(detailPool));
    }
    // A second, unrelated or neighbouring problem in the same call: the label stays with the first.
    if (r.chance(0.15)) {
      const other =
        leaf.neighbours.length > 0 && r.chance(0.6) ? r.pick(leaf.neighbours) : r.pick(REQUEST_CATEGORIES);
      const otherPhrases = PROBLEMS[other.zh]!;
      parts.push(
        r.pick(['。顺便说一下，', '。还有就是', '，另外']),
        withSynonyms(clause(r.pick(otherPhrases), r), r),
      );
    }
    if (urgent) parts.push('，', r.pick(URGENT));
    if (praise) parts.push('，', r.pick(['非常感谢', '真心点赞', '希望多表扬这样的好同志']));
    else if (angry) parts.push('，', r.pick(FEELINGS_NEG));
    if (!praise && r.chance(0.75)) parts.push('，', r.pick(ASKS));
    if (r.chance(0.25)) parts.push(r.pick(PARTICLES));
    if (r.chance(0.3)) parts.push('，', r.pick(FEELINGS_NEUTRAL));
    parts.push(r.pick(['。', '！', '', '。。', '!!']));
  }
  let text = parts
    .join('')
    .replace(/，{2,}/g, '，')
    .replace(/，([。！!])/g, '$1')
    .replace(/^，/, '')
    .replace(/，$/, '');
  if (r.chance(0.08)) text = withTypos(text, r);
  if (channel === 'app' && r.chance(0.15)) text = text.replace(/，/g, ' ');

  // An operator in a hurry files some requests under a neighbouring category.
  let category = leaf.category;
  if (leaf.neighbours.length > 0 && r.chance(0.06)) category = r.pick(leaf.neighbours);

  const hour = urgent || channel !== 'grid_patrol' ? r.weighted(HOURS) : r.int(8, 17);
  // `day` is a China calendar day; its midnight is 16:00 UTC the day before.
  const receivedAt = new Date(day.getTime() - CHINA_OFFSET_MS + hour * 3_600_000 + r.int(0, 3_599_999));
  return {
    text,
    categoryCode: category.code,
    receivedAt,
    channel,
    areaHint: area.grid ?? area.community,
    street: area.street,
    urgent,
    sentiment: praise ? 1 : angry ? -1 : 0,
  };
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Hour-of-day weights of calls, China time: few at night, peaks in the morning and afternoon. */
export const HOURS: ReadonlyArray<readonly [number, number]> = Array.from({ length: 24 }, (_, h) => [
  h,
  h < 6 ? 0.3 : h < 8 ? 1 : h < 12 ? 3 : h < 14 ? 2 : h < 18 ? 2.8 : h < 22 ? 2 : 0.8,
]);
