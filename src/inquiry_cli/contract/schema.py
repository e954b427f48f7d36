"""The workbook contract: sheets, columns, types and header aliases (English and 中文).

`inq init` writes these sheets with the English headers; readers find sheets and columns
in a user's own workbook by any alias, in any order, under a title row if need be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

# Column kinds: how a cell is read and checked. REPLY: a reply's time, or yes/no
# (Y / N / ✓ / 是 / 已回复 ...) in a tracker that only ticks replies off.
TEXT, DATE, DATETIME, INT, NUMBER, EMAIL, PHONE, GRADE, FLAG, REPLY = (
    "text",
    "date",
    "datetime",
    "int",
    "number",
    "email",
    "phone",
    "grade",
    "flag",
    "reply",
)

GRADES = ("A", "B", "C", "D")


def norm(label: object) -> str:
    """Normalise a header or sheet name for matching: case, spaces, punctuation, '*'."""
    text = str(label or "").strip().lower()
    text = re.sub(r"[\s_\-./:：()（）*#№]+", "", text)
    return text


# A column that counts the rows (序号, No., #, S/N): no field of any record, so inq never
# reads or shows it, but fills it on every row it adds (its count continued: the highest
# number + 1). 编号 and No are that only where they hold plain numbers (else an ID).
SERIAL = "serial"
SERIAL_HEADERS = frozenset(
    norm(h)
    for h in (
        "序号", "序", "行号", "编号", "No", "No.", "Nr", "S/N", "SN", "Serial", "Serial No",
        "Serial number", "Sr. No.", "Sl. No.", "S. No.",
    )
)  # fmt: skip


def is_serial_header(header: object) -> bool:
    """Whether a header names a row-count column ('#' and '№' alone too)."""
    text = str(header or "").strip()
    return text in ("#", "№", "No.#") or (bool(text) and norm(text) in SERIAL_HEADERS)


@dataclass(frozen=True)
class Column:
    key: str  # the field name inq uses
    header: str  # the English header `inq init` writes
    kind: str = TEXT
    aliases: tuple[str, ...] = ()
    width: float = 14

    @cached_property
    def names(self) -> frozenset[str]:
        """Every normalised name this column may go by (computed once)."""
        return frozenset({norm(self.header), norm(self.key), *(norm(a) for a in self.aliases)})


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str  # the sheet name `inq init` writes
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    key_value: bool = False  # Company / Settings: a Field/Value list, not a table
    required: tuple[str, ...] = ()  # column keys a readable sheet must have (any one of)
    doc: str = ""
    extra: dict = field(default_factory=dict)
    # Columns read when the user's sheet has them, never written by `inq init` nor listed
    # as missing: a log that names its client instead of a Buyer ID or an email.
    also: tuple[Column, ...] = ()

    @cached_property
    def names(self) -> frozenset[str]:
        """Every normalised name this sheet may go by (computed once)."""
        return frozenset({norm(self.title), norm(self.key), *(norm(a) for a in self.aliases)})

    @cached_property
    def all_columns(self) -> tuple[Column, ...]:
        """The contract's columns, then the ones only read (`also`)."""
        return (*self.columns, *self.also)

    def column(self, key: str) -> Column:
        for col in self.all_columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def find_column(self, text: str) -> Column | None:
        """The column a user names: its English header, its key or an alias, any case."""
        wanted = norm(text)
        return next((c for c in self.all_columns if wanted in c.names), None)


C = Column

# Who a log row is about when it has no Buyer ID or email: the client (a person's or a
# company's name, as the sheet names them) and the company. Linked to the buyer who alone
# has that name (domain/linking.py).
CLIENT_ALIASES = (
    "Client name", "Customer", "Customer name", "Buyer name", "Contact", "Contact name",
    "Name", "客户", "客户姓名", "客户名称", "客户名", "买家", "买家姓名", "联系人", "姓名",
)  # fmt: skip
COMPANY_ALIASES = ("Company name", "公司", "公司名称", "客户公司")

# Headers that name a buyer as a person or as a firm, as the sheet keeps them: "Customer",
# "客户名称". On a buyer list they are the Company, unless another column is plainly the
# company ("客户名称 | 公司"): then they are the person's Name (workbook/columns.py).
PERSON_OR_COMPANY = (
    "Customer", "Customer name", "Buyer", "Buyer name", "Client", "Client name",
    "客户", "客户名称", "客户名", "买家", "买家名称",
)  # fmt: skip


# Quotes and Samples name their buyer in one column, by Buyer ID or, in a workbook without
# IDs, by email (what inq writes there). A sheet kept by email heads such a column so, or
# fills it with emails: where no column is the Buyer ID, that one is the buyer's
# (workbook/columns.py), and inq writes there what its rows hold (model.buyer_ref).
def names_by_email(header: str) -> bool:
    """Whether a header says its column holds emails (客户邮箱, Customer e-mail)."""
    text = norm(header)
    return "email" in text or "邮箱" in text or "邮件" in text


def _client_columns() -> tuple[Column, ...]:
    return (
        Column("client", "Client", TEXT, CLIENT_ALIASES, 20),
        Column("company", "Company", TEXT, COMPANY_ALIASES, 24),
    )


# The mail's Message-ID on Inquiries and Contacts: how `inq intake` knows a message it
# recorded before, and a reply to a mail inq sent.
MESSAGE_ID_ALIASES = ("Message ID", "MessageID", "Msg-ID", "邮件ID", "邮件编号")

BUYERS = Sheet(
    "buyers",
    "Buyers",
    (
        C(
            "buyer_id",
            "Buyer ID",
            TEXT,
            ("id", "客户编号", "客户ID", "编号", "买家编号", "Customer ID", "No"),
            10,
        ),
        C(
            "name",
            "Name",
            TEXT,
            (
                "Contact",
                "Contact name",
                "Contact person",
                "姓名",
                "联系人",
                "客户姓名",
                "买家姓名",
                "名字",
            ),
            20,
        ),
        C(
            "company",
            "Company",
            TEXT,
            ("Company name", "Customer", "Buyer", "公司", "公司名称", "客户名称", "客户公司"),
            28,
        ),
        C(
            "email",
            "Email",
            EMAIL,
            ("E-mail", "Mail", "Email address", "邮箱", "电子邮件", "电子邮箱", "邮件", "邮件地址"),
            28,
        ),
        C(
            "phone",
            "Phone",
            PHONE,
            (
                "Tel",
                "Telephone",
                "Mobile",
                "Phone number",
                "WhatsApp",
                "电话",
                "手机",
                "联系电话",
                "手机号",
                "电话号码",
            ),
            18,
        ),
        C("fax", "Fax", PHONE, ("传真", "传真号"), 16),
        C("country", "Country", TEXT, ("国家", "国家地区", "国家/地区", "Country/Region"), 14),
        C("city", "City", TEXT, ("城市",), 14),
        C("region", "Region", TEXT, ("地区", "区域", "市场"), 10),
        C("source", "Source", TEXT, ("来源", "客户来源", "渠道来源"), 14),
        C(
            "nature",
            "Nature",
            TEXT,
            ("Type", "Business type", "Buyer type", "性质", "客户性质", "客户类型", "类型"),
            14,
        ),
        C("strength", "Strength", TEXT, ("Size", "Scale", "实力", "客户实力", "规模"), 10),
        C(
            "grade",
            "Grade",
            GRADE,
            ("Level", "Rating", "Class", "等级", "客户等级", "级别", "评级"),
            8,
        ),
        C(
            "products",
            "Products",
            TEXT,
            (
                "Product",
                "Products of interest",
                "Interested products",
                "产品",
                "意向产品",
                "询价产品",
                "感兴趣产品",
            ),
            24,
        ),
        C("status", "Status", TEXT, ("Progress", "Stage", "状态", "进度", "进展", "跟进状态"), 16),
        C(
            "first_contact",
            "First contact",
            DATE,
            (
                "First contact date",
                "Created",
                "Added",
                "首次联系",
                "首次联系时间",
                "录入日期",
                "建档日期",
            ),
            14,
        ),
        C(
            "last_contact",
            "Last contact",
            DATE,
            (
                "Last contact date",
                "Last contacted",
                "最后联系",
                "最后联系时间",
                "最近联系",
                "上次联系",
            ),
            14,
        ),
        C(
            "next_follow_up",
            "Next follow-up",
            DATE,
            (
                "Next follow up",
                "Follow-up date",
                "Next contact",
                "下次跟进",
                "下次联系",
                "下次跟进时间",
            ),
            14,
        ),
        C("owner", "Owner", TEXT, ("Salesperson", "Sales", "业务员", "负责人"), 12),
        C("notes", "Notes", TEXT, ("Note", "Remarks", "Comments", "备注", "说明"), 30),
        C(
            "preferred_channel",
            "Preferred channel",
            TEXT,
            (
                "Preferred contact",
                "Contact preference",
                "Channel preference",
                "Preferred contact method",
                "Contact via",
                "Prefers",
                "首选联系方式",
                "偏好联系方式",
                "联系偏好",
                "沟通偏好",
            ),
            14,
        ),
        # A row merged into another buyer (`inq merge`) names the buyer kept; every read
        # skips it (contract.records.Table), so its rows count once, under the kept buyer.
        C(
            "merged_into",
            "Merged into",
            TEXT,
            ("Merged to", "Duplicate of", "合并到", "已合并到"),
            12,
        ),
    ),
    aliases=(
        "Buyer",
        "Customers",
        "Customer",
        "Clients",
        "Client list",
        "Customer list",
        "Buyer list",
        "客户",
        "客户列表",
        "客户资料",
        "客户管理",
        "买家",
        "买家列表",
        "客户信息",
    ),
    required=("email", "name", "company"),
    doc="every buyer, from any source",
)

INQUIRIES = Sheet(
    "inquiries",
    "Inquiries",
    (
        C("inquiry_id", "Inquiry ID", TEXT, ("id", "询盘编号", "编号"), 10),
        C(
            "received",
            "Received",
            DATETIME,
            ("Date", "Received at", "Inquiry date", "收到时间", "询盘日期", "日期", "询盘时间"),
            17,
        ),
        C("channel", "Channel", TEXT, ("Via", "渠道", "方式", "来源"), 10),
        C("buyer_id", "Buyer ID", TEXT, ("Buyer", "Customer ID", "客户编号", "买家编号"), 10),
        C("email", "Email", EMAIL, ("E-mail", "邮箱", "电子邮件"), 26),
        C("product", "Product", TEXT, ("Model", "Products", "产品", "型号", "询价产品"), 16),
        C("quantity", "Quantity", NUMBER, ("Qty", "数量", "采购数量"), 10),
        C("target_price", "Target price", TEXT, ("Target", "目标价", "目标价格"), 12),
        C("message", "Message", TEXT, ("Content", "Inquiry", "询盘内容", "内容", "留言"), 40),
        C("grade", "Grade", GRADE, ("等级", "级别"), 8),
        C(
            "replied",
            "Replied",
            REPLY,
            ("Replied at", "Reply time", "Answered", "回复时间", "已回复", "是否回复", "回复"),
            17,
        ),
        C("quote_no", "Quote No", TEXT, ("Quote", "Quotation No", "报价单号", "报价编号"), 12),
        C("status", "Status", TEXT, ("状态", "进度"), 12),
        C("message_id", "Message-ID", TEXT, MESSAGE_ID_ALIASES, 30),
    ),
    aliases=("Inquiry", "Enquiries", "Enquiry", "RFQ", "询盘", "询盘记录", "询价"),
    required=("received", "message", "product"),
    doc="every inquiry received",
    also=_client_columns(),
)

CONTACTS = Sheet(
    "contacts",
    "Contacts",
    (
        C("date", "Date", DATETIME, ("Contact date", "When", "日期", "联系时间", "时间"), 17),
        C("buyer_id", "Buyer ID", TEXT, ("Buyer", "Customer ID", "客户编号"), 10),
        C("email", "Email", EMAIL, ("E-mail", "邮箱"), 26),
        C("channel", "Channel", TEXT, ("Via", "Method", "方式", "联系方式", "渠道"), 10),
        C("direction", "Direction", TEXT, ("In/Out", "方向"), 10),
        C(
            "summary",
            "Summary",
            TEXT,
            ("Content", "Notes", "内容", "摘要", "跟进内容", "联系内容"),
            50,
        ),
        C("next_step", "Next step", TEXT, ("Next", "下一步", "后续"), 30),
        C("message_id", "Message-ID", TEXT, MESSAGE_ID_ALIASES, 30),
    ),
    aliases=("Contact log", "Follow-ups", "Follow ups", "History", "联系记录", "跟进记录", "跟进"),
    required=("date", "summary"),
    doc="every contact made or received (the follow-up log)",
    also=_client_columns(),
)

PRODUCTS = Sheet(
    "products",
    "Products",
    (
        C("model", "Model", TEXT, ("Item", "Item No", "SKU", "型号", "产品型号", "货号"), 14),
        C("name", "Name", TEXT, ("Product", "Product name", "名称", "产品名称", "品名"), 26),
        C("spec", "Spec", TEXT, ("Specification", "规格"), 26),
        C("moq", "MOQ", INT, ("Min order", "Minimum order", "最小起订量", "起订量"), 8),
        C("unit", "Unit", TEXT, ("单位",), 8),
        C("price", "Price", NUMBER, ("Unit price", "Base price", "价格", "单价"), 10),
        C("price_tiers", "Price tiers", TEXT, ("Tiers", "Tier prices", "阶梯价", "阶梯价格"), 30),
        C("keywords", "Keywords", TEXT, ("关键词",), 24),
        C("certifications", "Certifications", TEXT, ("Certificates", "认证", "证书"), 18),
        C(
            "tech_params",
            "Tech params",
            TEXT,
            ("Technical parameters", "Parameters", "技术参数", "参数"),
            34,
        ),
        C(
            "catalog_link",
            "Catalog link",
            TEXT,
            ("Catalog", "E-catalog", "电子样本", "目录链接"),
            28,
        ),
        C("photo", "Photo", TEXT, ("Image", "图片", "照片"), 20),
        C("new", "New", FLAG, ("新品",), 6),
        C("hot", "Hot", FLAG, ("热销", "爆款"), 6),
    ),
    aliases=("Product", "Catalog", "Catalogue", "Product list", "产品", "产品列表", "产品目录"),
    required=("model",),
    doc="the catalog",
)

QUOTES = Sheet(
    "quotes",
    "Quotes",
    (
        C("quote_no", "Quote No", TEXT, ("Quote", "Quotation No", "报价单号", "报价编号"), 12),
        C("date", "Date", DATE, ("日期", "报价日期"), 12),
        C("buyer_id", "Buyer ID", TEXT, ("Buyer", "客户编号"), 10),
        C("region", "Region", TEXT, ("地区", "区域"), 10),
        C("model", "Model", TEXT, ("型号",), 14),
        C("quantity", "Quantity", NUMBER, ("Qty", "数量"), 10),
        C("unit_price", "Unit price", NUMBER, ("Price", "单价"), 11),
        C("currency", "Currency", TEXT, ("币种",), 9),
        C("incoterm", "Incoterm", TEXT, ("Terms", "贸易条款", "价格条款"), 9),
        C("valid_until", "Valid until", DATE, ("Validity", "有效期"), 12),
        C("file", "File", TEXT, ("文件",), 24),
    ),
    aliases=("Quote", "Quotations", "Quotation", "报价", "报价记录", "报价单"),
    required=("quote_no",),
    doc="every quote issued",
    also=_client_columns(),
)

SAMPLES = Sheet(
    "samples",
    "Samples",
    (
        C("date", "Date", DATE, ("日期", "寄样日期"), 12),
        C("buyer_id", "Buyer ID", TEXT, ("Buyer", "客户编号"), 10),
        C("model", "Model", TEXT, ("型号",), 14),
        C("kind", "Kind", TEXT, ("Type", "类型"), 10),
        C("freight", "Freight", TEXT, ("运费",), 12),
        C("payment", "Payment", TEXT, ("付款", "样品费"), 14),
        C("courier", "Courier", TEXT, ("快递", "快递公司"), 10),
        C("tracking", "Tracking", TEXT, ("Tracking No", "单号", "快递单号"), 18),
        C("status", "Status", TEXT, ("状态",), 12),
        C("feedback", "Feedback", TEXT, ("反馈",), 30),
    ),
    aliases=("Sample", "样品", "寄样", "寄样记录"),
    required=("model",),
    doc="samples sent",
    # A sample's own number, where the user keeps one (inq continues it; init adds none).
    also=(
        *_client_columns(),
        C("sample_id", "Sample ID", TEXT, ("Sample No", "Sample number", "样品编号", "寄样编号")),
    ),
)

REGIONS = Sheet(
    "regions",
    "Regions",
    (
        C("region", "Region", TEXT, ("地区", "区域", "市场"), 10),
        C("countries", "Countries", TEXT, ("国家",), 50),
        C("price_factor", "Price factor", NUMBER, ("Factor", "价格系数", "系数"), 12),
        C("services", "Services", TEXT, ("增值服务", "服务"), 40),
        C("service_cost", "Service cost", NUMBER, ("Service cost per unit", "服务成本"), 12),
        C("note", "Note", TEXT, ("Notes", "备注", "说明"), 50),
        C("template", "Template", TEXT, ("模板",), 12),
    ),
    aliases=("Region", "Markets", "地区", "区域", "市场"),
    required=("region",),
    doc="pricing per region",
)

COMPANY = Sheet(
    "company",
    "Company",
    (
        C("field", "Field", TEXT, ("Key", "Item", "项目"), 18),
        C("value", "Value", TEXT, ("值", "内容"), 60),
    ),
    aliases=("Company profile", "About us", "公司", "公司信息", "公司资料"),
    key_value=True,
    doc="the company profile (Field / Value)",
)

SETTINGS = Sheet(
    "settings",
    "Settings",
    (
        C("key", "Key", TEXT, ("Setting", "Field", "设置", "项目"), 26),
        C("value", "Value", TEXT, ("值",), 20),
        C("note", "Note", TEXT, ("说明", "备注"), 60),
    ),
    aliases=("Config", "Options", "设置", "参数"),
    key_value=True,
    doc="the routine's numbers (Key / Value)",
)

EVENTS = Sheet(
    "events",
    "Events",
    (
        C("name", "Name", TEXT, ("Show", "Trade show", "Event", "展会", "展会名称"), 34),
        C("city", "City", TEXT, ("城市",), 14),
        C("country", "Country", TEXT, ("国家",), 14),
        C("start", "Start", DATE, ("Start date", "From", "开始", "开始日期"), 12),
        C("end", "End", DATE, ("End date", "To", "结束", "结束日期"), 12),
        C("booth", "Booth", TEXT, ("Booth No", "Stand", "摊位", "展位", "展位号"), 12),
    ),
    aliases=("Event", "Trade shows", "Shows", "Fairs", "展会", "展会计划"),
    required=("name",),
    doc="trade shows",
)

GRADE_HISTORY = Sheet(
    "grade_history",
    "Grade history",
    (
        C("date", "Date", DATETIME, ("日期", "时间"), 17),
        C("buyer_id", "Buyer ID", TEXT, ("Buyer", "客户编号"), 10),
        C("email", "Email", EMAIL, ("E-mail", "邮箱"), 26),
        C("inquiry_id", "Inquiry ID", TEXT, ("询盘编号",), 10),
        C("from_grade", "From", TEXT, ("Old grade", "原等级"), 6),
        C("to_grade", "To", GRADE, ("New grade", "新等级", "Grade"), 6),
        C("why", "Why", TEXT, ("Reason", "原因", "理由"), 40),
    ),
    aliases=("Grades", "Grade log", "Grading", "等级记录", "评级记录"),
    required=("to_grade",),
    doc="every change of grade, with its date (when a buyer became A)",
)

SHEETS: tuple[Sheet, ...] = (
    BUYERS,
    INQUIRIES,
    CONTACTS,
    PRODUCTS,
    QUOTES,
    SAMPLES,
    REGIONS,
    COMPANY,
    SETTINGS,
    EVENTS,
    GRADE_HISTORY,
)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}

# Company fields (docs/routine.md §1): field key, English label, Chinese aliases, placeholder.
COMPANY_FIELDS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("name", "Name", ("公司名称", "公司", "Company name"), "Your Company Co., Ltd."),
    ("founded", "Year founded", ("成立时间", "成立年份", "Founded"), "2005"),
    ("total_assets", "Total assets", ("总资产", "Assets"), "USD 10 million"),
    ("annual_sales", "Annual sales", ("年销售额", "Sales"), "USD 25 million"),
    ("awards", "Awards", ("荣誉", "获奖", "Honors"), "ISO 9001 certified; Top Supplier 2025"),
    ("contact", "Contact person", ("联系人", "Contact"), "Your Name"),
    ("tel", "Tel", ("电话", "Telephone", "Phone"), "+86 000 0000 0000"),
    ("fax", "Fax", ("传真",), "+86 000 0000 0001"),
    ("email", "Email", ("邮箱", "E-mail"), "sales@example.com"),
    ("website", "Website", ("网站", "网址", "Web"), "www.example.com"),
    ("address", "Address", ("地址",), "No. 1 Example Road, Ningbo, China"),
    (
        "strengths",
        "Strengths",
        ("优势", "公司优势", "What we can do"),
        "Own factory; OEM/ODM; in-house lab; fast samples",
    ),
)

# Settings (docs/routine.md): key, default, note. Every number of the routine lives here.
SETTINGS_DEFAULTS: tuple[tuple[str, object, str], ...] = (
    ("cadence_a_days", 3.5, "Grade A: follow up twice a week (every 3.5 days)"),
    ("cadence_b_days", 7, "Grade B: follow up once a week"),
    ("cadence_c_days", 15, "Grade C: follow up every half month"),
    ("cadence_d_months", 1, "Grade D: follow up once a month"),
    ("open_inquiry_max_days", 15, "Every open inquiry: contact at least every half month"),
    ("reply_target_hours", 2, "Aim to reply to an inquiry within 2 hours"),
    ("reply_limit_hours", 24, "Reply within one working day at the latest"),
    ("fax_reply_hours", 12, "A fax inquiry is answered by fax within 12 hours"),
    ("quote_validity_days", 30, "A quote is valid this many days"),
    ("quote_chase_days", 3, "Chase a quote the buyer has not answered after this many days"),
    (
        "alibaba_reply_hours",
        24,
        "Alibaba.com counts a buyer's first message of the day answered within this as timely",
    ),
    ("alibaba_rate_days", 30, "Alibaba.com's timely-reply rate looks back this many days"),
    (
        "alibaba_warn_hours",
        4,
        "inq due warns this many hours before an owed Alibaba.com reply leaves the window",
    ),
    ("currency", "USD", "Quote currency"),
    ("incoterm", "FOB", "Default incoterm: FOB, CIF or EXW"),
    ("port", "Ningbo", "Port of loading"),
    ("payment_terms", "30% T/T deposit, 70% before shipment", "Default payment terms"),
    ("lead_time", "25-30 days after deposit", "Default lead time"),
    (
        "sample_feedback_days",
        10,
        "Ask for feedback on a physical sample this many days after it left",
    ),
    (
        "esample_feedback_days",
        3,
        "Ask for feedback on an e-sample (catalog, photos) after this many days",
    ),
    ("cif_uplift_pct", 8, "CIF price = FOB + this % (freight and insurance; ask your forwarder)"),
    ("exw_discount_pct", 3, "EXW price = FOB - this % (no inland transport and export clearance)"),
    ("business_hours", "09:00-18:00", "Buyer's business hours, their local time"),
    ("timezone", "Asia/Shanghai", "Your own time zone (IANA name), for buyers' local time"),
    ("template_dir", "", "Your own template folder (blank: 'templates' beside the workbook)"),
    (
        "lock_wait_seconds",
        60,
        "A write waits this long for another inq run on this workbook to finish its write",
    ),
)

# Regions (docs/routine.md §1): region, countries (ISO 3166 alpha-2), factor, services, cost, note.
REGION_DEFAULTS: tuple[tuple[str, str, float, str, float, str], ...] = (
    (
        "mideast",
        "AE, SA, QA, KW, OM, BH, JO, LB, IQ, IR, IL, EG, TR, YE",
        0.97,
        "",
        0,
        "Price-sensitive: the first quote must already be competitive.",
    ),
    (
        "sea",
        "SG, MY, TH, VN, ID, PH, MM, KH, LA, BN",
        0.97,
        "",
        0,
        "Southeast Asia, price-sensitive: the first quote must already be competitive.",
    ),
    (
        "us",
        "US, CA",
        1.08,
        "5-year extended warranty; UL/DLC-ready US-standard packaging and labelling; "
        "US-based after-sales support",
        0.65,
        "North America values service: quote includes the services' cost and explains them.",
    ),
    (
        "eu",
        "DE, FR, IT, ES, NL, BE, PL, SE, DK, FI, AT, CZ, PT, IE, GR, HU, RO, GB, NO, CH",
        1.0,
        "",
        0,
        "Europe: stress CE/RoHS compliance and quality.",
    ),
    (
        "latam",
        "MX, BR, AR, CL, CO, PE, EC, VE, UY, PY, BO, CR, PA, DO, GT",
        1.0,
        "",
        0,
        "Latin America: mention payment flexibility and shipping routes.",
    ),
    (
        "africa",
        "NG, ZA, KE, GH, ET, TZ, UG, MA, DZ, TN, CI, SN, CM, AO",
        0.98,
        "",
        0,
        "Africa: keep MOQ low and explain shipping clearly.",
    ),
    ("other", "", 1.0, "", 0, "Every other country."),
)

# Where `inq init` puts a Grade dropdown.
GRADE_COLUMNS = {("buyers", "grade"), ("inquiries", "grade"), ("grade_history", "to_grade")}
