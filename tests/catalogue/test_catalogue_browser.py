"""The catalogue browser as a reviewer uses it: click a qualification, a unit, read its ACs;
filter; search the words of every AC; import a newer version from the File menu."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from ui.bridge import Bridge
from ui.catalogue.browser import CatalogueBrowser

EDI = json.loads(Path("specs/edi-l2-nvq-customer-service.json").read_text(encoding="utf-8"))


def click_row(qtbot, listwidget, predicate):
    for i in range(listwidget.count()):
        item = listwidget.item(i)
        if predicate(item.text()):
            listwidget.scrollToItem(item)
            rect = listwidget.visualItemRect(item)
            qtbot.mouseClick(listwidget.viewport(), Qt.LeftButton, pos=rect.center())
            return item
    raise AssertionError(f"no row matched in {listwidget.objectName()}")


def open_browser(qtbot, store):
    bridge = Bridge(store)
    browser = CatalogueBrowser(bridge)
    qtbot.addWidget(browser)
    browser.resize(1400, 900)
    browser.show()
    qtbot.waitUntil(lambda: browser.qualifications.count() == 5 and browser.detail is not None)
    return browser


def test_pick_a_unit_and_read_its_acs_in_order(qtbot, catalogue_store):
    browser = open_browser(qtbot, catalogue_store)
    click_row(qtbot, browser.qualifications, lambda t: t.startswith("EDI Level 2 NVQ"))
    qtbot.waitUntil(lambda: browser.detail.summary.pack_id == "edi-l2-nvq-customer-service")
    reader = browser.reader.toPlainText()
    assert "Rules of combination" in reader and "not yet choosable: CU811" in reader

    click_row(qtbot, browser.units, lambda t: t.startswith("CU801 "))
    qtbot.waitUntil(lambda: browser.unit is not None and browser.unit.summary.number == "CU801")
    shown = browser.reader.toPlainText()
    unit = next(u for u in EDI["units"] if u["number"] == "CU801")
    position = 0
    for lo in unit["learning_outcomes"]:
        for ac in lo["criteria"]:
            first_line = ac["text"].splitlines()[0]
            found = shown.find(first_line, position)
            assert found > position, f"AC {ac['number']} missing or out of order"
            position = found
    assert "Not permitted" in shown and "Simulation is not allowed" in shown
    # EDI's "different customers on different occasions" reads as what it is: sufficiency
    assert ("◆ Sufficiency: Evidence for the whole unit must show competence over a period "
            "of time, on different occasions.") in shown
    assert "with different customers on different occasions for your assessor" in shown
    assert "Required" not in shown and "Other evidence" not in shown


def test_filter_units_by_group_and_level(qtbot, catalogue_store):
    browser = open_browser(qtbot, catalogue_store)
    click_row(qtbot, browser.qualifications, lambda t: t.startswith("EDI Level 2 NVQ"))
    qtbot.waitUntil(lambda: browser.units.count() == 24)
    browser.group_filter.setCurrentIndex(browser.group_filter.findText(
        "Mandatory Units - Customer Service Foundations"))
    assert [browser.units.item(i).text().split()[0] for i in range(browser.units.count())] \
        == ["CU791", "CU792"]
    browser.group_filter.setCurrentIndex(0)
    browser.level_filter.setCurrentIndex(browser.level_filter.findText("Level 1"))
    levels = {u["number"] for u in EDI["units"] if u["level"] == 1}
    assert {browser.units.item(i).text().split()[0] for i in range(browser.units.count())} == levels
    assert browser.units_count.text() == f"{len(levels)} of 24 units shown"


def test_search_then_open_the_found_ac(qtbot, catalogue_store):
    browser = open_browser(qtbot, catalogue_store)
    browser.search.setFocus()
    qtbot.keyClicks(browser.search, "pass on positive feedback")
    qtbot.waitUntil(lambda: browser.results.count() > 0 and browser.middle.currentIndex() == 1)
    item = click_row(qtbot, browser.results, lambda t: "CU801" in t)
    assert "»positive«" in item.text()
    qtbot.waitUntil(lambda: browser.unit is not None and browser.unit.summary.number == "CU801")
    assert "Note and pass on positive feedback from their customer about their actions ◀ found" \
        in browser.reader.toPlainText()
    assert browser.detail.summary.pack_id == "edi-l2-nvq-customer-service"
    browser.search.clear()
    qtbot.waitUntil(lambda: browser.middle.currentIndex() == 0)


def test_import_from_the_window_adds_a_newer_version(qtbot, catalogue_store, tmp_path):
    from app.catalogue.browse import list_catalogue
    from ui.main_window import MainWindow
    window = MainWindow(catalogue_store)
    qtbot.addWidget(window)
    assert window.menus["file"].actions().count(window.import_qualification_action) == 1
    window.catalogue_action.trigger()
    browser = window.catalogue_browser
    qtbot.waitUntil(lambda: browser.qualifications.count() == 5)

    data = dict(EDI, source=dict(EDI["source"], document_version="Issue 2"))
    newer = tmp_path / "edi-issue-2.json"
    newer.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    window.import_qualification(str(newer))
    qtbot.waitUntil(lambda: browser.qualifications.count() == 6, timeout=10000)
    assert "Issue 2" in browser.qualifications.currentItem().text()
    assert "earlier version stays beside it" in window.statusBar().currentMessage()
    assert len([q for q in catalogue_store.read(list_catalogue)
                if q.pack_id == "edi-l2-nvq-customer-service"]) == 2
    window.close()


def test_source_files_and_lines_only_behind_the_source_box_and_esc_closes(qtbot, catalogue_store):
    browser = open_browser(qtbot, catalogue_store)
    click_row(qtbot, browser.qualifications, lambda t: t.startswith("EDI Level 2 NVQ"))
    qtbot.waitUntil(lambda: browser.detail.summary.pack_id == "edi-l2-nvq-customer-service")
    source_file = browser.detail.source_file
    assert source_file and source_file not in browser.reader.toPlainText()
    assert "Rules of combination" in browser.reader.toPlainText()
    browser.show_source.setChecked(True)
    assert source_file in browser.reader.toPlainText()
    assert "Corrections made to the source text" in browser.reader.toPlainText()

    browser.show_source.setChecked(False)
    item = click_row(qtbot, browser.units, lambda t: True)
    qtbot.waitUntil(lambda: browser.unit is not None)
    assert "(line " not in browser.reader.toPlainText()
    click_row(qtbot, browser.qualifications, lambda t: t.startswith("City & Guilds Level 2"))
    qtbot.waitUntil(lambda: browser.detail.summary.ab_number == "2794-02")
    assert "(line " not in browser.reader.toPlainText() and "Source lines" not in browser.reader.toPlainText()
    assert item is not None
    browser.reader.setFocus()
    qtbot.keyClick(browser.reader, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not browser.isVisible())
