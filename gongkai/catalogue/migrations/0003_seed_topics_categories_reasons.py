"""Seed the topic tree (modelled on the national 政府信息公开 主题分类),
the information categories and the legal reasons for not disclosing
proactively (2019 Regulations). All three stay editable in the admin."""

from django.db import migrations

TOPICS = [
    ("综合政务", ["政务公开", "政务督查", "应急管理", "电子政务", "信访", "机构设置", "其他"]),
    ("国民经济管理、国有资产监管", ["发展规划", "宏观经济", "统计", "物价", "国有资产监管"]),
    ("财政、金融、审计", ["财政", "税务", "金融", "审计"]),
    ("国土资源、能源", ["土地", "矿产", "能源", "测绘"]),
    ("农业、林业、水利", ["农业、畜牧业、渔业", "林业", "水利", "乡村振兴"]),
    ("工业、交通", ["工业", "交通", "信息产业", "邮政"]),
    ("商贸、海关、旅游", ["商贸", "对外经贸合作", "旅游"]),
    ("市场监管、安全生产监管", ["市场监管", "安全生产", "食品药品"]),
    ("城乡建设、环境保护", ["城乡规划", "住房保障", "建筑业", "市政公用", "生态环境"]),
    ("科技、教育", ["科技", "教育", "知识产权"]),
    ("文化、广电、新闻出版", ["文化", "广播电视", "新闻出版", "文物"]),
    ("卫生、体育", ["卫生健康", "体育", "医疗保障"]),
    ("人口与计划生育、妇女儿童工作", ["人口与计划生育", "妇女儿童"]),
    ("劳动、人事、监察", ["人事工作", "劳动就业", "社会保障", "监察"]),
    ("公安、安全、司法", ["公安", "司法", "国家安全"]),
    ("民政、扶贫、救灾", ["社会救助", "社会福利", "减灾救灾", "区划地名", "社会组织"]),
    ("民族、宗教", []),
    ("对外事务", []),
    ("港澳台侨工作", []),
    ("国防", ["退役军人事务", "人民防空"]),
    ("其他", []),
]

# name, code (used in index numbers), is_policy, is_interpretation, annual_report_row
CATEGORIES = [
    ("规章", "GZ", True, False, "rule"),
    ("行政规范性文件", "GFXWJ", True, False, "normative"),
    ("其他文件", "QTWJ", False, False, ""),
    ("政策解读", "ZCJD", False, True, ""),
    ("工作动态", "GZDT", False, False, ""),
    ("通知公告", "TZGG", False, False, ""),
    ("人事信息", "RSXX", False, False, ""),
    ("财政预决算", "CZYJS", False, False, ""),
    ("规划计划", "GHJH", False, False, ""),
    ("统计信息", "TJXX", False, False, ""),
    ("行政许可", "XZXK", False, False, ""),
    ("行政处罚", "XZCF", False, False, ""),
    ("政府采购", "ZFCG", False, False, ""),
    ("重大建设项目", "ZDXM", False, False, ""),
    ("建议提案办理", "JYTA", False, False, ""),
    ("机构职能", "JGZN", False, False, ""),
]

REASONS = [
    ("withheld", "依法确定为国家秘密的政府信息", "《政府信息公开条例》第十四条"),
    ("withheld", "法律、行政法规禁止公开的政府信息", "《政府信息公开条例》第十四条"),
    ("withheld", "公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息", "《政府信息公开条例》第十四条"),
    ("withheld", "涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息", "《政府信息公开条例》第十五条"),
    ("withheld", "人事管理、后勤管理、内部工作流程等方面的内部事务信息", "《政府信息公开条例》第十六条第一款"),
    ("withheld", "讨论记录、过程稿、磋商信函、请示报告等过程性信息", "《政府信息公开条例》第十六条第二款"),
    ("withheld", "行政执法案卷信息", "《政府信息公开条例》第十六条第二款"),
    ("on_request", "不属于主动公开范围，公民、法人或者其他组织可依申请获取", "《政府信息公开条例》第二十七条"),
    ("on_request", "涉及第三方合法权益，经第三方同意或公共利益需要时可依申请公开", "《政府信息公开条例》第十五条、第三十二条"),
    ("on_request", "仅涉及特定对象、不需要社会公众广泛知晓或者参与", "《政府信息公开条例》第十九条"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("catalogue", "Topic")
    Category = apps.get_model("catalogue", "Category")
    WithholdingReason = apps.get_model("catalogue", "WithholdingReason")
    for i, (name, children) in enumerate(TOPICS, start=1):
        parent, _created = Topic.objects.get_or_create(code=f"{i:02d}", defaults={"name": name, "sort": i})
        for j, child in enumerate(children, start=1):
            Topic.objects.get_or_create(code=f"{i:02d}{j:02d}", defaults={"name": child, "parent": parent, "sort": j})
    for sort, (name, code, is_policy, is_interpretation, row) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "is_policy": is_policy, "is_interpretation": is_interpretation, "annual_report_row": row, "sort": sort},
        )
    for sort, (applies_to, text, article) in enumerate(REASONS, start=1):
        WithholdingReason.objects.get_or_create(applies_to=applies_to, text=text, defaults={"article": article, "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_item_revision_state_itemversion_submitted_at_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
