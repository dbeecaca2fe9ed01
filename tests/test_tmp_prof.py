import pytest, cProfile, pstats, io, time, openpyxl
from indicators.importing import flat
from indicators.importing.preview import preview_upload
from indicators.importing.layouts import read_upload
from bench.plan_data import multiply_plan
pytestmark = pytest.mark.django_db
def test_x(planner_user):
    multiply_plan(4)
    data = flat.template_xlsx(with_data=True)
    for _ in range(2):
        t=time.perf_counter(); openpyxl.load_workbook(io.BytesIO(data)); l=time.perf_counter()-t
        t=time.perf_counter(); read_upload("p.xlsx", data); r=time.perf_counter()-t
        t=time.perf_counter(); preview_upload("p.xlsx", data, user=planner_user); d=time.perf_counter()-t
        print(f"load {l:.3f} read {r:.3f} dry {d:.3f} ratio {d/l:.2f}")
    pr = cProfile.Profile(); pr.enable()
    preview_upload("p.xlsx", data, user=planner_user)
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(25); print(s.getvalue()[:6000])
