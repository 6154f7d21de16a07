"""Grid columns are as wide as their widest text (ui/grids.py): no amount ends in an ellipsis, whatever the rows."""

import json

from app_session import assert_clean, session

from kpi.text.formatting import Formatter
from ui.grids import CHARACTER_PX, PADDING_PX, TEXT_MAX_PX, column_widths


def test_a_column_takes_the_width_of_its_widest_text_and_names_are_capped():
    widths = column_widths(
        {"Total": ["1,00 €", "746 752,48 €"], "Client": ["Laboratoire Gauthier & Associés " * 3]},
        text_columns=["Client"],
    )
    assert widths["Total"] == round(len("746 752,48 €") * CHARACTER_PX + PADDING_PX)
    assert widths["Client"] == TEXT_MAX_PX


def test_the_aged_balance_grid_fits_its_totals(demo_home):
    """The Total row holds the widest amounts; every amount column is wide enough for them."""
    app = session()
    app.switch_page("app_pages/aged_balance.py").run()
    assert_clean(app)
    grid = app.dataframe[0]
    widths = {title: config.get("width") for title, config in json.loads(grid.proto.columns).items()}
    total = grid.value.iloc[0]
    assert total.iloc[0] == "Total"
    money = Formatter("fr").money
    for title, value in total.iloc[1:].items():
        if isinstance(value, float):
            assert widths[title] >= len(money(value)) * CHARACTER_PX + PADDING_PX - 1, (title, value, widths[title])
    assert json.loads(grid.proto.columns)["Client"]["pinned"] is True
