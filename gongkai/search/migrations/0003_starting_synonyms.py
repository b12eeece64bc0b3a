"""The starting synonym list: abbreviations of organs and common terms and
their full forms. Administrators edit it afterwards (admin: 同义词组)."""

from django.db import migrations

STARTING_SET = [
    ("环保 环境保护", "简称"),
    ("环保局 环境保护局 生态环境局", "机构更名"),
    ("工信 工业和信息化", "机构简称"),
    ("发改 发展和改革", "机构简称"),
    ("人社 人力资源和社会保障", "机构简称"),
    ("住建 住房和城乡建设", "机构简称"),
    ("卫健 卫生健康", "机构简称"),
    ("市监 市场监督管理", "机构简称"),
    ("医保 医疗保障", "机构简称"),
    ("文旅 文化和旅游 文化广电旅游", "机构简称"),
    ("城管 城市管理", "机构简称"),
    ("规资 规划和自然资源", "机构简称"),
    ("应急 应急管理", "机构简称"),
    ("交通 交通运输", "机构简称"),
    ("政数 政务服务数据管理", "机构简称"),
    ("公积金 住房公积金", "简称"),
    ("双创 大众创业万众创新", "简称"),
    ("中小微 中小微企业", "简称"),
    ("网信 网络安全和信息化", "机构简称"),
    ("安监 安全生产监督管理", "机构简称"),
    ("食药监 食品药品监督管理", "机构简称"),
    ("卫计 卫生和计划生育", "机构简称"),
    ("政府办 政府办公室", "机构简称"),
    ("低保 最低生活保障", "常用简称"),
    ("社保 社会保险", "常用简称"),
    ("环评 环境影响评价", "常用简称"),
    ("固废 固体废物", "常用简称"),
    ("危废 危险废物", "常用简称"),
    ("技改 技术改造", "常用简称"),
    ("棚改 棚户区改造", "常用简称"),
    ("公租房 公共租赁住房", "常用简称"),
    ("规上 规模以上", "常用简称"),
    ("非遗 非物质文化遗产", "常用简称"),
    ("个税 个人所得税", "常用简称"),
    ("噪音 噪声", "同义词"),
    ("年报 年度报告", "简称"),
]


def add(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    SynonymGroup.objects.bulk_create(SynonymGroup(words=words, note=note) for words, note in STARTING_SET)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_synonym_group")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
