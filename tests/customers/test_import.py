"""rules.md §3.5 bulk import: a preview, an error per bad line with its number, and
nothing half-imported."""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from customers import import_writing, importing
from customers.models import Customer, ImportBatch
from salesops.errors import DomainError

HEADINGS = "客户名称,渠道,辖区,电话,联系人,职位,手机,月需求(元),预计下单日期,现供应商,来源\n"
SOON = timezone.localdate() + timedelta(days=9)
LATER = timezone.localdate() + timedelta(days=40)
GOOD_LINES = (
    "宁波永固胶业有限公司,终端客户（大）,330200,0574-88886666,王芳,采购经理,13900001111,"
    f"80000,{SOON:%Y-%m-%d},汉高,转介绍\n"
    "杭州新华达胶带厂,dealer,杭州市,,李强,老板,139 0000 2222,"
    f'"30,000",{LATER:%Y/%m/%d},,phone_list\n'
    "西湖小五金,,330106,,,,,8000,,,\n"
)
MESSY_LINES = (
    ",终端客户（中）,330200,,,,,,,,\n"  # line 5: no name
    "坏电话公司,,330200,call me,,,,,,,\n"  # line 6
    "负需求公司,,330200,,,,,-100,,,\n"  # line 7
    "日期错公司,,330200,,,,,,12/01/2026,,\n"  # line 8
    "火星公司,,990000,,,,,,,,\n"  # line 9: unknown territory
    "南京公司,,320000,,,,,,,,\n"  # line 10: a colleague's territory
)


def _prepare(user, text: str, *, encoding="utf-8", name="prospects.csv", **kwargs):
    return importing.prepare_import(
        content=text.encode(encoding), file_name=name, by=user, **kwargs
    )


def test_a_clean_file_is_previewed_then_imported(personas, django_capture_on_commit_callbacks):
    batch = _prepare(personas.salesperson, HEADINGS + GOOD_LINES)
    assert (batch.total, batch.errors, batch.duplicates) == (3, [], [])
    assert not Customer.objects.exists()  # the preview saves nothing

    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(batch=batch, by=personas.salesperson)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    yonggu = Customer.objects.get(normalized_name="宁波永固胶业")
    assert (yonggu.channel, yonggu.territory, yonggu.owner, yonggu.customer_class) == (
        "terminal_large",
        personas.ningbo,
        personas.salesperson,
        "A",
    )
    assert yonggu.contacts.get().name == "王芳"
    xinhuada = Customer.objects.get(name="杭州新华达胶带厂")
    assert (xinhuada.estimated_monthly_demand, xinhuada.source, xinhuada.territory) == (
        Decimal("30000.00"),
        "phone_list",
        personas.hangzhou,
    )
    assert (xinhuada.expected_order_date, xinhuada.customer_class) == (LATER, "D")
    assert Customer.objects.get(name="西湖小五金").customer_class == "D"


def test_a_messy_file_reports_each_bad_line_and_imports_nothing(personas):
    batch = _prepare(personas.salesperson, HEADINGS + GOOD_LINES + MESSY_LINES)

    lines = {error["line"]: error["message"] for error in batch.errors}
    assert sorted(lines) == [5, 6, 7, 8, 9, 10]
    assert "name is missing" in lines[5]
    assert "not a mainland mobile or landline number" in lines[6]
    assert "cannot be negative" in lines[7]
    assert "not in the form 2026-12-31" in lines[8]
    assert "unknown territory" in lines[9]
    assert "outside your territories" in lines[10]
    with pytest.raises(DomainError):
        importing.confirm_import(batch=batch, by=personas.salesperson)
    assert not Customer.objects.exists()


def test_a_gb18030_csv_from_chinese_excel_is_read(personas):
    batch = _prepare(personas.salesperson, HEADINGS + GOOD_LINES, encoding="gb18030")

    assert batch.errors == []
    assert batch.rows[0]["name"] == "宁波永固胶业有限公司"


def test_a_file_in_another_encoding_gets_a_clear_message(personas):
    with pytest.raises(DomainError, match="neither UTF-8 nor GB18030"):
        importing.prepare_import(
            content="名称\n甲".encode("utf-16"), file_name="list.csv", by=personas.salesperson
        )


def test_lines_without_a_territory_take_the_default(personas):
    batch = _prepare(
        personas.salesperson,
        "name,phone\n宁波甲公司,13900003333\n",
        default_territory=personas.ningbo,
    )

    assert batch.rows[0]["territory_id"] == personas.ningbo.pk


def test_duplicates_on_file_and_within_the_file_are_flagged_and_skipped(
    personas, make_customer, django_capture_on_commit_callbacks
):
    make_customer(name="宁波永固胶业")
    text = HEADINGS + GOOD_LINES + "杭州新华达胶带,,330100,,,,,,,,\n"
    batch = _prepare(personas.salesperson, text)

    assert [item["line"] for item in batch.duplicates] == [2, 5]
    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(batch=batch, by=personas.salesperson)
    assert Customer.objects.count() == 1 + 2


def test_an_xlsx_file_with_numbers_and_dates_in_cells(personas):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["Name", "Territory", "Mobile", "Contact", "Monthly demand", "Expected order date"]
    )
    sheet.append(
        ["Ningbo Tape Co., Ltd.", "330200", 13900004444, "Mr Wang", 52000, date(2026, 12, 5)]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = importing.prepare_import(
        content=buffer.getvalue(), file_name="list.xlsx", by=personas.salesperson
    )

    assert batch.errors == []
    row = batch.rows[0]
    assert (
        row["estimated_monthly_demand"],
        row["expected_order_date"],
        row["contact"]["phone"],
    ) == (
        "52000.00",
        "2026-12-05",
        "13900004444",
    )


def test_a_failure_while_writing_leaves_nothing_behind(personas, monkeypatch):
    batch = _prepare(personas.salesperson, HEADINGS + GOOD_LINES)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    monkeypatch.setattr(import_writing, "WRITE_CHUNK", 1)
    calls = []

    def crash_on_second_chunk(done, total):
        calls.append(done)
        if done == 2:
            raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        import_writing.run_import(batch_id=batch.pk, progress=crash_on_second_chunk)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert not Customer.objects.exists()


def test_running_an_import_twice_imports_once(personas, django_capture_on_commit_callbacks):
    batch = _prepare(personas.salesperson, HEADINGS + GOOD_LINES)
    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(batch=batch, by=personas.salesperson)

    assert import_writing.run_import(batch_id=batch.pk) == 0
    assert Customer.objects.count() == 3


def test_upload_preview_and_status_pages(personas, login, django_capture_on_commit_callbacks):
    client = login(personas.salesperson)
    upload = io.BytesIO((HEADINGS + GOOD_LINES).encode())
    upload.name = "prospects.csv"

    response = client.post(reverse("customers:import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("customers:import_preview", args=[batch.pk])
    assert "宁波永固胶业有限公司" in client.get(response.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(response.url, {})
    status = client.get(confirmed.url, headers={"HX-Request": "true"})
    assert "3 prospects imported." in status.content.decode()


def test_someone_elses_batch_is_not_found(personas, login):
    batch = _prepare(personas.salesperson, HEADINGS + GOOD_LINES)

    response = login(personas.colleague).post(reverse("customers:import_preview", args=[batch.pk]))

    assert response.status_code == 404


def test_the_user_says_which_column_holds_what(personas, login):
    text = "公司,号码,备注\n宁波甲公司,13900003333,老客户介绍\n"
    batch = _prepare(personas.salesperson, text, default_territory=personas.ningbo)
    assert [column["field"] for column in batch.columns] == ["", "", ""]
    assert "No column holds the customer's name" in batch.errors[0]["message"]

    response = login(personas.salesperson).post(
        reverse("customers:import_columns", args=[batch.pk]),
        {"column_0": "name", "column_1": "contact_phone", "column_2": ""},
    )

    batch.refresh_from_db()
    assert response.status_code == 302
    assert [column["field"] for column in batch.columns] == ["name", "contact_phone", ""]
    assert batch.rows[0]["contact"]["phone"] == "13900003333"


def test_a_mapping_without_the_name_is_refused(personas, login):
    batch = _prepare(
        personas.salesperson,
        "name,phone\n宁波甲公司,13900003333\n",
        default_territory=personas.ningbo,
    )

    login(personas.salesperson).post(
        reverse("customers:import_columns", args=[batch.pk]), {"column_0": "", "column_1": "phone"}
    )

    batch.refresh_from_db()
    assert batch.columns[0]["field"] == "name"


def _municipalities(personas):
    """As in the national divisions: the municipality and its urban district share a name."""
    from tests.factories import make_territory

    personas.shanghai_city.name_zh = "上海市"
    personas.shanghai_city.save(update_fields=["name_zh"])
    beijing = make_territory("110000", "北京市", "Beijing", region=personas.east)
    make_territory("110100", "北京市", "Beijing", parent=beijing)
    return beijing


ORDINARY_HEADINGS = (
    "客户名称,联系人,职位,手机,地址,所在城市,预计月用量（元）,预计下单日期,当前供应商,来源\n"
)


def _ordinary_list(lines: int, bad: dict[int, str]) -> str:
    """`lines` customers in Shanghai and Beijing; `bad` replaces the line with that number."""
    text = ORDINARY_HEADINGS
    for line in range(2, lines + 2):
        city = "上海市" if line % 2 else "北京市"
        text += bad.get(
            line,
            f"客户{line}有限公司,张{line},采购,139{line:08d},某路{line}号,{city},20000,,汉高,转介绍\n",
        )
    return text


def test_an_ordinary_chinese_list_is_read_with_municipalities_and_every_bad_line_numbered(
    personas,
):
    beijing = _municipalities(personas)
    bad = {
        120: "负数公司,李四,经理,13900009999,某路,上海市,-5000,,,\n",
        140: "坏电话公司,王五,经理,call me,某路,北京市,1000,,,\n",
    }
    content = _ordinary_list(150, bad).encode("gb18030")

    batch = importing.prepare_import(content=content, file_name="名单.csv", by=personas.manager)

    lines = {error["line"]: error["message"] for error in batch.errors}
    assert sorted(lines) == [120, 140]
    assert "cannot be negative" in lines[120]
    assert "not a mainland mobile" in lines[140]
    rows = {row["line"]: row for row in batch.rows}
    assert rows[3]["territory_id"] == personas.shanghai.pk
    assert rows[2]["territory_id"] == beijing.pk
    assert rows[2]["estimated_monthly_demand"] == "20000.00"
    assert rows[2]["current_supplier"] == "汉高"
    assert rows[2]["contact"] == {
        "name": "张2",
        "position": "采购",
        "phone": "13900000002",
        "email": "",
    }


@pytest.mark.parametrize(
    "headings",
    [
        "Customer name,Contact,Position,Mobile,Address,City,Estimated monthly usage (CNY),"
        "Expected order date,Current supplier,Source",
        "公司名称,联系人,职位,联系电话,地址,城市,月需求量,预计下单日期,当前供应商,来源",
        "单位名称,联系人,职位,电话,地址,所在城市,预计月用量(元),预计下单日期,当前供应商,来源",
    ],
)
def test_common_headings_are_recognised_without_mapping(personas, headings):
    mapping = set(importing.map_columns(headings.split(",")).values())

    assert {"name", "contact_name", "contact_position", "address", "territory"} <= mapping
    assert {"estimated_monthly_demand", "expected_order_date", "current_supplier"} <= mapping
    assert mapping & {"phone", "contact_phone"}


def test_the_preview_page_numbers_bad_lines_past_the_first_hundred(personas, login):
    _municipalities(personas)
    text = _ordinary_list(150, {130: "负数公司,李四,经理,13900009999,某路,上海市,-1,,,\n"})
    batch = importing.prepare_import(
        content=text.encode("gb18030"), file_name="名单.csv", by=personas.manager
    )

    response = login(personas.manager).get(reverse("customers:import_preview", args=[batch.pk]))

    assert "Line 130: monthly demand cannot be negative" in response.content.decode()


def test_the_preview_shows_every_line_page_by_page(personas, login):
    _municipalities(personas)
    batch = importing.prepare_import(
        content=_ordinary_list(150, {}).encode("gb18030"), file_name="名单.csv", by=personas.manager
    )
    url = reverse("customers:import_preview", args=[batch.pk])

    second = login(personas.manager).get(url + "?page=2").content.decode()

    assert "客户151有限公司" in second
    assert "客户50有限公司" not in second


def test_an_xlsx_list_with_chinese_headings_and_municipalities_is_read(personas):
    _municipalities(personas)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(ORDINARY_HEADINGS.strip().split(","))
    sheet.append(["上海永固胶业", "王芳", "采购", 13900001111, "某路1号", "上海市", 60000, None])
    sheet.append(["北京恒力", "李强", "老板", "13900002222", "某路2号", "北京市", -1, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = importing.prepare_import(
        content=buffer.getvalue(), file_name="名单.xlsx", by=personas.manager
    )

    assert batch.rows[0]["territory_id"] == personas.shanghai.pk
    assert batch.rows[0]["estimated_monthly_demand"] == "60000.00"
    assert [(error["line"], "negative" in error["message"]) for error in batch.errors] == [
        (3, True)
    ]
