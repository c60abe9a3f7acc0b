"""Event triggers, whether their clause asserts them, and casualty counts (issue 5).

    find_triggers(sentence)   asserted triggers of the issue's types, each with its span and
                              whether it only names a happening ("cuộc không kích nói trên")
    is_asserted(...)          negation, modality, plans, permission: not a happening
    find_casualties(...)      killed / injured counts read next to their verbs

Pure functions over one normalised sentence; nothing here raises on any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from monitor.aliases import word_alternation
from monitor.numbers import counts as _counts
from monitor.text import lower_for_scan, normalize

_W = r"[^\W_]"  # a letter or digit (Unicode)

__all__ = ["CUMULATIVE", "HARD_BREAK_RE", "TRIGGERS", "Casualty", "Trigger", "clause_end", "clause_start", "find_casualties",
           "find_triggers", "is_asserted"]

# The trigger list. Lookarounds keep the common non-event senses out ("chiếm 30%" is
# a share, "họp báo" a press conference, "bùng nổ" a boom, "còi báo động không kích" a siren).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "attack": (r"(?<!nhóm )(?<!kẻ )(?<!lữ đoàn )(?<!tiểu đoàn )(?<!trực thăng )(?<!máy bay )(?<!tàu )(?<!vũ khí )(?<!đơn vị )tấn công(?!,? trấn áp)", "tiến công", "tiến quân", "phản công", "pháo kích", "nã pháo",
               "bắn phá", r"bắn hạ(?! (?:[^\s,.]+ ){0,3}?(?:UAV|drone|tên lửa|máy bay không người lái|thiết bị bay))", "phục kích", r"(?<!máy bay )đánh bom", "nổ bom", r"bom (?:đã )?(?:phát )?nổ", "ám sát",
               "bắt cóc", r"mở (?:một )?(?:cuộc )?chiến dịch(?= quân sự| tấn công| chiếm| giành| nhằm vào)",
               # beyond the list, each seen in the dev set: an advance on, a shoot-down, a
               # missile launch at a target, a hijacking
               "tiến đánh", r"bắn rơi(?! (?:[^\s,.]+ ){0,3}?(?:UAV|drone|tên lửa|máy bay không người lái|thiết bị bay))", r"(?<!thử )(?<!hệ thống )(?<!bệ )phóng (?!thử )(?:[^\s,.]+ ){0,3}?tên lửa(?! thử| tự chế| nghiệp dư)", r"(?<!hệ thống )bắn (?!thử |hạ |rơi |chặn |đánh chặn )(?:[^\s,.]+ ){0,3}?tên lửa(?! thử| đánh chặn)", "cướp máy bay",
               "vụ không tặc", r"bắt (?:giữ )?(?:[^\s,.]+ ){0,5}?làm con tin", r"bắt giữ (?:[^\s,.]+ ){0,2}?con tin",
               # raids, and violent crime against people: a murder, a stabbing, a shooting
               "tập kích", "thiêu chết", "thiêu sống", "đốt chết", r"(?<!đấu )nổ súng", "sát hại", "giết hại", "giết chết", r"(?<!bị )(?<!tội )(?<!án )(?<!vi )(?<!tội \")(?<!tội “)(?<!can )giết(?! chóc| thời gian)", "hành hung",
               r"đâm (?:chết|tử vong|trọng thương|bị thương|nhiều nhát|liên tiếp)", r"(?:dao|kéo|vật sắc nhọn|hung khí|mã tấu|dao găm) đâm(?! vào (?:tường|cột|xe|đuôi|cây))", r"(?<!quạt )chém(?! gió)",
               r"bắn (?:chết|tử vong|trọng thương|bị thương)"),
    "airstrike": (r"(?<!báo động )không kích(?! động)", r"oanh tạc(?! cơ)", r"tấn công (?:[^\s,.]+ ){0,5}từ trên không", r"(?<!máy bay )ném bom",
                  r"tấn công bằng (?:máy bay không người lái|UAV|drone)",
                  r"phóng (?:[^\s,.]+ ){0,3}?(?:UAV|drone|máy bay không người lái)"),
    "clash": (r"(?<!bên )(?<!phe )(?<!các bên )giao tranh", "đụng độ", "đấu súng", "chạm súng", "xung đột vũ trang"),
    "capture": ("chiếm được", "đánh chiếm", r"giành (?:được )?quyền kiểm soát", "kiểm soát được", r"(?<!trực )tiếp quản(?! lý)",
                r"(?<!lãnh thổ )(?<!vùng đất )(?<!lãnh thổ mà )(?<!lấn )chiếm(?! giữ nhà| giữ tài sản| giữ đất| được| \d| khoảng| đến| tới| lấy vị trí| lấy ngôi| vị trí| đóng bởi| gần| hơn| tới| phần| đa| ưu| lợi thế| thị| đoạt| dụng| hữu| lĩnh| trọn| vị| top"
                r"| tỷ| tỉ| một| hai| ba)",
                r"(?<!đấu tranh )(?=(?-i:g))giải phóng(?! mặt bằng| con tin| tù| năng lượng| khỏi| dân tộc| toàn| đất nước| miền Nam| phụ nữ| nô lệ)"),
    "appeal": (r"(?<!lời )(?<!hưởng ứng )kêu gọi", r"(?<!theo )(?<!các )(?<!những )(?<!đáp ứng )(?<!một )(?<![0-9] )yêu cầu(?! tư vấn| của| về| bị| được| này| đó| không nêu tên| giấu tên| không tiết lộ| không nêu danh)",
               r"(?<!lời )(?<!theo )(?<!trình )(?<!ý kiến )(?<!phần )đề nghị(?! không nêu tên| giấu tên| không tiết lộ| không nêu danh| cho biết| bình luận| truy tố)", "hối thúc", "thúc giục",
               "lên án", r"(?<!có )(?<!các )(?<!những )(?<!lời )(?<!mức )(?<!mức độ )(?<!hệ thống )(?<![0-9] )cảnh báo(?! không kích| phòng không| sóng thần| sớm| của| cao nhất)", r"(?:tuyên bố|khẳng định|cảnh báo|đe dọa|dọa) sẽ (?:trả đũa|đáp trả|phản ứng|trừng phạt)"),
    "meeting": (r"(?<!tụ )(?<!kỳ )họp(?! báo)", r"(?<!trung tâm )hội nghị", "hội đàm", r"hội kiến(?! trúc)", "điện đàm", r"(?<!nhà )(?<!bàn )đàm phán", "thảo luận",
                r"gặp(?! U\d)(?= gỡ| với| giữa| hẹp| riêng| song phương| thượng đỉnh| người đồng cấp| ông | bà | lãnh đạo|(?-i: [A-ZĐÂĂÊÔƠƯ]))",
                r"tiếp xúc(?= với (?:Tổng thống|Thủ tướng|Chủ tịch|Bộ trưởng|Ngoại trưởng|Quốc vương|Nhà vua|lãnh đạo|ông|bà))",
                r"(?<!đón )tiếp(?= (?:xã giao |thân mật |riêng )?(?:ông |bà |đoàn |Đại sứ|Tổng thống|Thủ tướng|Chủ tịch|Bộ trưởng|Phó|Tổng|Quốc vương|Nhà vua|Hoàng|Thái tử|Ngoại trưởng|Người đứng đầu|lãnh đạo))"),
    "agreement": (r"(?<!bên )(?<!đăng )ký kết(?! hôn| hợp đồng| đơn hàng)", r"ký(?= (?:hiệp|thỏa|văn kiện|bản ghi nhớ|tuyên bố))",
                  r"đạt (?:được )?thỏa thuận", r"(?:thông qua|chốt|ký) (?:được )?(?:một |bản |các )?thỏa thuận", r"(?<!sự )nhất (?-i:t)rí(?! sẽ| rằng| với (?:quan điểm|ý kiến|nhận định))", "thỏa thuận ngừng bắn", r"(?<!các )(?<!những )(?<!thành viên )(?<!thành viên của )(?=(?-i:h))hiệp định",
                  "tuyên bố ngừng bắn"),
    "sanction": ("trừng phạt", "cấm vận", "đóng băng tài sản"),
    "protest": (r"(?<!người )(?<!những người )biểu tình", r"(?<!tràn )xuống đường(?= biểu tình| tuần hành| phản đối| để| ở| tại| trên| khắp| hô| giương)", "tuần hành", "bạo loạn", "đình công"),
    "disaster": ("động đất", "lũ lụt", "lũ quét", "mưa lũ", "trận lũ", "đợt lũ", "nước lũ", r"(?<!tên )(?<!Ủy ban )(?<!ủy ban )(?<!Báo )(?<!báo )(?<!các cơn )(?<!những cơn )(?<!mùa )(?<!hoài )(?<!trung tâm )bão(?! hòa| giá| tên| mang tên| mạng| like| view| tin)", r"lũ(?= trên sông| đang lên| lên nhanh| dâng)",
                 r"(?<!công trình )(?<!chống )(?<!phòng chống )(?<!khắc phục )(?<!xử lý )(?<!kè )(?<!kè chống )sạt lở", r"(?<!đốt )(?<!phòng )(?<!chữa )(?<!phòng chống )(?<!bãi )cháy(?! hàng| vé| túi| nắng| máy| nổ| sém| xém)", "hỏa hoạn",
                 r"(?<!bùng )(?<!tiếng )(?<!thiết bị )(?<!chất )(?<!vật liệu )(?<!ngòi )(?<!đầu đạn )(?<!phân mảnh )(?<!thuốc )(?<!pháo )(?<!kích )nổ(?! ra| súng| lực| mạnh| cận| chậm)", "chìm tàu", "rơi máy bay", "máy bay rơi", r"bị rơi(?= gần| xuống| tại| ở| khi| ngay| trên| cách|\s*[.,])", r"(?:(?<=gặp )|(?<=bị )|(?<=xảy ra )|(?<=gây )|(?<=gây ra )|(?<=vụ )|(?<=\d )|(?<=trong )|(?<=một )|(?<=hai ))tai nạn(?! lao động)",
                 "đắm tàu", "bị đắm", r"lửa bùng (?:phát|lên)", "tàu đắm", "tàu chìm", r"va chạm(?= (?:với|vào) (?:xe|ô tô|tàu|máy bay))",
                 "lũ lớn", "lũ dâng", "đỉnh lũ", "lũ cuốn", "bị lũ cuốn", "ngập lụt", "lở đất", "lốc xoáy", "mưa đá",
                 "đuối nước", "điện giật", r"(?:tông|đâm|va chạm)(?: vào)? nhau", "ngạt khí", "gây ngập", "ngập sâu", "chia cắt cục bộ", "tông liên hoàn",
                 r"(?:tàu|thuyền|ghe|xuồng|phà|sà lan)(?: [^\s,.]+){0,3}? bị chìm", r"(?<!đánh )sập(?= cầu| nhà| tường| mái| công trình| giàn| hầm| mỏ|\s*[.,])",
                 r"bị sập", r"(?:cây|cành|nhánh)(?: [^\s,.]+){0,4}? (?:bất ngờ )?(?:bị )?(?:gãy|bật gốc)", r"tông (?:chết|trúng|vào|phải)", r"lật (?:xe|thuyền|ghe|tàu)", r"(?:xe|ô tô|tàu|thuyền)(?: [^\s,.]+){0,2}? (?:bị )?lật(?! đổ chính| lại)",
                 r"lao (?:từ [^,.]{1,25} )?(?:xuống|khỏi)(?: [^\s,.]+){0,4}? (?:vực|sông|suối|mương|kênh|ruộng|biển|cầu|đèo|taluy|hồ|ao)",
                 r"rơi (?:khỏi|xuống) (?:cây |chiếc )?(?:cầu|vực|sông)"),
    "election": (r"(?<!ủy ban )(?<!ban )(?<!luật )bầu cử", r"(?<!quỹ )(?<!ứng viên )(?<!đội ngũ )(?<!ban )(?<!liên danh )tranh cử",
                 r"bỏ phiếu(?! (?:phản đối|chống|ủng hộ|thông qua|tán thành|trắng|thuận|về|cho nghị quyết|nghị quyết))", "trưng cầu dân ý"),
    "arrest": (r"bắt giữ(?! người trái pháp luật)", "bắt giam", r"tạm giam (?:đối với|bị can)",
               r"bắt (?:bị can|gọn|thêm|nhóm|băng|ổ|(?:nam |nữ )?(?:tài xế|thanh niên|thiếu niên|người đàn ông|người phụ nữ|gã|cựu|giám đốc))", r"giữ người (?:trong trường hợp )?khẩn cấp", r"(?<=khởi tố, )tạm giam", r"(?<=khởi tố và )tạm giam", r"bắt (?:tạm giam|khẩn cấp|quả tang(?! ngoại tình| chồng| vợ))", "sa lưới", r"(?<!truy )bắt (?:nghi phạm|nghi can|đối tượng|(?:một|hai|ba|bốn|năm|\d+) (?:người|nghi phạm|đối tượng))", r"bị bắt(?! cóc| buộc| gặp| nguồn| đầu| lửa| nạt| chước| mạch| bài| trend| sóng| lỗi| phạt| quả tang (?:ngoại tình|chồng|vợ))", r"(?<!biên bản )tạm giữ(?! \d| (?:tang vật|phương tiện|xe|hàng|tài sản|giấy tờ|số|nhiều|các|vật|toàn bộ|lô|một số|máy bay|tàu|ô tô)|,? kê biên)", "dẫn độ",
               # the procedure's own words: "ra lệnh tạm giam 3 tháng", "lệnh bắt bị can để tạm giam",
               # "áp dụng biện pháp tạm giam"; an extended or cancelled order is no new arrest
               r"(?<!gia hạn )(?<!hủy )(?<!hủy bỏ )lệnh (?:bắt (?:bị can |khẩn cấp )?(?:để )?)?tạm giam",
               r"áp dụng (?:biện pháp )?(?:ngăn chặn )?(?:bắt )?tạm giam"),
}
_TRIGGER_TYPES: list[str] = []


def _trigger_regex() -> re.Pattern[str]:
    def literal_length(pattern: str) -> int:  # longest phrase first, lookarounds not counted
        return len(re.sub(r"\(\?<?[!=](?:[^()]|\([^()]*\))*\)", "", pattern))

    rows = sorted(((normalize(p), t) for t, ps in TRIGGERS.items() for p in ps), key=lambda r: -literal_length(r[0]))
    alts = []
    for i, (pattern, type_) in enumerate(rows):
        _TRIGGER_TYPES.append(type_)
        alts.append(f"(?P<t{i}>{pattern})")
    return re.compile(rf"(?i)(?<!{_W})(?:{'|'.join(alts)})(?!{_W})")


_TRIGGER_RE = _trigger_regex()


def _trigger_heads() -> list[str]:
    """The first syllables of all triggers: a cheap scan for where a trigger may start."""
    heads = set()
    for pattern in (normalize(p) for ps in TRIGGERS.values() for p in ps):
        bare = re.sub(r"\(\?<?[!=](?:[^()]|\([^()]*\))*\)", "", pattern)
        bare = re.sub(r"\(\?:\|*\)", "", bare)  # "(?:(?<=gặp )|(?<=bị ))tai nạn": the group emptied above
        heads.add(re.match(r"[^\W\d_]+", bare.lstrip("(?:")).group().lower())  # type: ignore[union-attr]
    return sorted(heads, key=len, reverse=True)


_HEADS = _trigger_heads()
_TRIGGER_HEAD = re.compile(rf"(?i)(?<!{_W})(?:{'|'.join(_HEADS)})(?!{_W})")


# for lowercased text, case-sensitive and grouped by first letter (as the alias table's regex):
# the engine skips straight to a letter some head starts with
_TRIGGER_HEAD_LOWER = word_alternation(_HEADS)


def _heads(sentence: str) -> Iterator[re.Match[str]]:
    lowered = lower_for_scan(sentence)
    return _TRIGGER_HEAD.finditer(sentence) if lowered is None else _TRIGGER_HEAD_LOWER.finditer(lowered)


def _trigger_matches(sentence: str) -> Iterator[re.Match[str]]:
    """`_TRIGGER_RE.finditer`, tried only where a trigger's first syllable stands (5x faster)."""
    end = 0
    for head in _heads(sentence):
        if head.start() < end:
            continue
        m = _TRIGGER_RE.match(sentence, head.start())
        if m:
            end = m.end()
            yield m
_HARD_BREAK = r";|\b(?:nhưng|song|tuy nhiên|trong khi|trong khi đó)\b"
_CLAUSE_BREAK = re.compile(rf"[,:–]|\s-\s|{_HARD_BREAK}")
HARD_BREAK_RE = re.compile(_HARD_BREAK)
_NON_NEGATING = re.compile(
    r"(?i)không (?:quân|phận|gian|chỉ|lâu|ngừng|rõ|xác định|người lái|kích|những|hề hấn|biên giới)|có thể thấy|chưa từng có"
    r"|(?:sử dụng|dùng)(?: [^\s,]+){1,8}? để"
)
_NEG_MODAL = re.compile(
    r"(?i)(?<!\w)(?:không|chưa|chẳng|phủ nhận|bác bỏ|sẽ|có thể|dự kiến|nếu|có nguy cơ|nguy cơ|nhằm|"
    r"mục tiêu|mục đích|(?<!quyết )(?<!xác )(?<!quy )(?<!khẳng )(?<!nhận )(?<!ổn )(?<!chỉ )(?<!giả )(?<!ấn )(?<!hiệp )(?-i:định)|dự định|kế hoạch|muốn|để|sắp|chuẩn bị|khả năng|(?<!tài )(?<!nguyên )(?<!dữ )(?<!vật )(?<!nhiên )(?<!tư )(?<!số )(?<!chất )liệu|tránh|ngăn chặn|đe dọa|"
    r"dọa|cam kết|hy vọng|mong|tìm cách|cố gắng|nỗ lực|âm mưu|phải|đòi|phê duyệt|cho phép|bật đèn xanh|sẵn sàng|(?<!tiểu )cần(?!\s+(?:Thơ|Giờ|Đước|Giuộc))|"
    r"trừ khi|đồng ý|đề xuất|cản trở|ngăn cản|phá hoại|dễ|khuyến khích|tìm kiếm|sợ|e sợ|lo sợ|phòng ngừa|đề phòng|suýt|thoát|đừng|chớ|hãy|đã từng|nhiều lần|từng là|từng bị|từng được|từng có|có quyền|được quyền|(?<!đầy )đủ)(?!\w)"
)
_CONDITION = re.compile(r"(?i)(?<!\w)(?:nếu|giả sử|trong trường hợp)(?!\w)")
_PERMISSION = re.compile(r"(?i)(?<!\w)(?:cho phép|chấp thuận|phê duyệt|phê chuẩn|bật đèn xanh|đồng ý (?:để|cho))(?!\w)")
_TYPE_VETO = {"capture": re.compile(r"(?i)chiến dịch|tấn công|\bđể\b|(?<!\w)mà(?!\w)"),
              # "Luật An toàn giao thông đường bộ Malaysia yêu cầu tài xế ...": a rule, not an appeal;
              # "Thuyền trưởng U17 Việt Nam đưa ra yêu cầu rất khắt khe với các cầu thủ": sport
              "appeal": re.compile(r"(?i)(?<!\w)(?:luật|quy định|nghị định|thông tư|hiến pháp|điều lệ|HLV|huấn luyện viên|cầu thủ|trọng tài|đội tuyển|CLB|U\d\d)(?!\w)"),
              # "trận đấu thứ 2 gặp U17 Nhật Bản": a fixture, not officials meeting
              "meeting": re.compile(r"(?i)(?<!\w)(?:trận đấu|đội tuyển|đội bóng|CLB|vòng bảng|vòng loại|tuyển thủ|cầu thủ)(?!\w)"),
              # "đơn hàng đã được ký kết", "các hợp đồng đã ký kết": business, not an accord between parties
              "agreement": re.compile(r"(?i)(?<!\w)(?:hợp đồng|đơn hàng)(?!\w)"),
              "attack": re.compile(r"(?i)(?<!\w)(?:bão|siêu bão|áp thấp|gió mạnh|lũ)(?!\w)"),  # "Bão Bert bắt đầu tấn công nước Anh"  # "lãnh thổ mà Nga chiếm đóng": a state  # "chiến dịch giành quyền kiểm soát": a goal
              # "ký hiệp định phối hợp với các nước dẫn độ tội phạm": what a treaty provides
              "arrest": re.compile(r"(?i)(?<!\w)(?:hiệp định|điều ước|công ước)(?!\w)"),
              # "hai kỳ thủ đã đụng độ bốn ván cờ nhanh": a game
              "clash": re.compile(r"(?i)(?<!\w)(?:kỳ thủ|ván cờ|trận đấu|đội tuyển|đội bóng|CLB|tay vợt|võ sĩ|cầu thủ)(?!\w)")}
_NOMINAL = re.compile(r"(?i)(?<!\w)(?:cuộc|vụ|trận|đợt|loạt|hoạt động|đám|sự cố|(?<!ra )(?<!ban )lệnh|khu vực|vùng|kẻ|tên|chiến dịch|tầm|kết quả|mùa|năm|tháng|tuần|(?<!thành công trong )việc|trước thềm|(?<!ngay )trước|(?<!ngay )sau|sự|quá trình|tiến trình|nghi phạm|nghi can|thủ phạm|hung thủ)\s+$")
# "tiến hành các cuộc không kích", "các cuộc đụng độ vẫn diễn ra": named, but asserted all the same
_LIGHT_VERB = re.compile(
    r"(?i)(?:tiến hành|thực hiện|mở|phát động|tung ra|mở màn|bắt đầu|tổ chức|nhóm|triệu tập|xảy ra|diễn ra)\s+(?:thêm\s+)?"
    r"(?:một\s+|các\s+|những\s+|nhiều\s+|hàng loạt\s+|loạt\s+|\d+\s+|hai\s+|ba\s+|bốn\s+|năm\s+|hàng chục\s+)?"
    r"(?:cuộc|vụ|đợt|loạt|chiến dịch)\s+$"
)
_TOOK_PLACE = re.compile(r"(?i)[^;.]{0,40}?(?<!\w)(?:diễn ra|tiếp diễn|nổ ra|bùng phát|xảy ra)(?!\w)")
_SETTING = re.compile(r"(?i)(?<!\w)trong\s+(?:một\s+|các\s+|những\s+)?(?:cuộc|vụ|trận|đợt)\s+$")
_APPEAL_HEAD = re.compile(r"(?i)(?<!\w)(?:kêu gọi|yêu cầu|đề nghị|đề xuất|hối thúc|thúc giục|cảnh báo)(?!\w)")
_SINCE = re.compile(r"(?i)(?<!\w)(?:kể từ khi|kể từ|từ khi)\s")
_UAV = re.compile(r"(?i)UAV|drone|máy bay không người lái|thiết bị bay không người lái|Shahed")
_FORECAST = re.compile(r"(?i)(?<!\w)(?:(?<!bản tin )(?<!trung tâm )(?<!đài )(?<!trang )dự báo|có khả năng|nguy cơ|đề phòng|phòng tránh|phòng chống)(?!\w)")
_BEFORE_AFTER = re.compile(
    r"(?i)(?<!\w)(?:(?:sau khi|trước khi|kể từ khi|từ khi|đến khi|cho đến khi|tới khi)(?:\s+[^\s,.;]+){0,3}"
    r"|(?:thời điểm|lúc) (?:xảy ra|diễn ra))\s+$"  # "tại thời điểm xảy ra tai nạn": a time, not news
)
_HELD_THING = re.compile(
    r"(?i)\s*(?:(?:hai|ba|bốn|năm|\d+|các|những|toàn bộ|số|chiếc|một số)\s+)*(?:xe|ô tô|phương tiện|tang vật|hàng hóa|lô hàng|tài sản|vật thể|giấy tờ)"
    r"(?!\w)[^,;]*(?<!\w)bị(?!\w)[^,;]*$"
)
_LAW_TEXT = re.compile(r"(?i)^\W*(?:(?:tại|theo|trong) )?(?:luật|bộ luật|dự luật|dự thảo|nghị định|thông tư|điều \d+|khoản \d+)(?!\w)[^.;]{0,90}?(?<!\w)quy định(?!\w)")
_HABITUAL = re.compile(r"(?i)^\W*(?:hằng|hàng|mỗi) (?:năm|tháng|tuần|ngày)(?!\w)")
_PRESUPPOSED = re.compile(r"(?i)^\W*(?:sau khi|trước khi)(?!\w)")
WINDOW_SYLLABLES = 8  # how far back a negation or modal word reaches, within the clause
# future and hypothetical words scope over the whole clause ("Nga tuyên bố sẽ trả đũa các quốc gia
# NATO hỗ trợ Ukraine tấn công"), unless a subordinate clause starts after them ("sẽ đáp trả sau khi ...")
_STRONG_MODAL = re.compile(r"(?i)(?<!\w)(?:sẽ|nếu|dự kiến|có thể|(?<!tài )(?<!nguyên )(?<!dữ )(?<!vật )(?<!nhiên )(?<!tư )(?<!số )(?<!chất )liệu)(?!\w)")  # "tài liệu": documents
_SCOPE_BREAK = re.compile(r"(?i)(?<!\w)(?:sau khi|khi|vì|do|bởi|sau đó|trước khi)(?!\w)")


def clause_start(sentence: str, pos: int, pattern: re.Pattern[str] = _CLAUSE_BREAK) -> int:
    start = 0
    for m in pattern.finditer(sentence, 0, pos):
        start = m.end()
    return start


def clause_end(sentence: str, pos: int, pattern: re.Pattern[str] = _CLAUSE_BREAK) -> int:
    m = pattern.search(sentence, pos)
    return m.start() if m else len(sentence)


def _mask(clause: str) -> str:
    """The clause with its non-negating phrases ("không quân", "có thể thấy") blanked, offsets kept."""
    return _NON_NEGATING.sub(lambda m: " " * len(m.group()), clause)


def _in_modal_scope(masked: str, modal_re: re.Pattern[str]) -> bool:
    """The last future or hypothetical word of the clause reaches its end: no subordinate clause
    opens after it ("sẽ đáp trả sau khi ...")."""
    modal = next(reversed(list(modal_re.finditer(masked))), None)
    return modal is not None and not _SCOPE_BREAK.search(masked, modal.end())


def is_asserted(sentence: str, start: int, end: int, type_: str = "") -> bool:
    """False when the words before the trigger (in its clause, last 8 syllables) negate it or
    make it hypothetical: không, chưa, phủ nhận, sẽ, có thể, dự kiến, nếu, có nguy cơ, nhằm...
    A following "sẽ" ("nhất trí sẽ") also makes it a plan; a warning is an appeal even so."""
    clause = sentence[clause_start(sentence, start) : start]
    masked = _mask(clause)
    words = list(re.finditer(r"\S+", masked))
    cut = words[-WINDOW_SYLLABLES].start() if len(words) >= WINDOW_SYLLABLES else 0
    # searched in the whole clause, kept only inside the window: a lookbehind sees the word before
    # the window ("quyết định" cut to "định ..." read as "intends")
    if any(m.start() >= cut for m in _NEG_MODAL.finditer(masked)) or (
        type_ in _TYPE_VETO and any(m.start() >= cut for m in _TYPE_VETO[type_].finditer(masked))
    ):
        return False
    if _in_modal_scope(masked, _STRONG_MODAL):
        return False
    if _CONDITION.search(sentence, clause_start(sentence, start, HARD_BREAK_RE), start) and type_ != "appeal":
        return False  # "Matxcơva có thể sử dụng vũ khí hạt nhân nếu ..., hoặc phóng tên lửa ...": the condition's list
    if _PERMISSION.search(clause):  # "cho phép Ukraine sử dụng tên lửa tầm xa tấn công ...": allowed, not done
        return False
    # "nhất trí sẽ ...", "Hội nghị này dự kiến sẽ ...": what follows makes it a plan
    return type_ == "appeal" or not re.match(r"\s+(?:[^\s,.;]+\s+){0,2}?(?:sẽ|có thể|dự kiến)(?!\w)", sentence[end : end + 30])


@dataclass(frozen=True)
class Trigger:
    type: str
    start: int
    end: int
    nominal: bool  # "cuộc không kích": names a happening rather than asserting one
    since: bool = False  # "kể từ khi cuộc tấn công bắt đầu": a time reference, counts are not its own
    setting: bool = False  # "trong cuộc họp tại Paris": named as the scene of what is reported


# "Số vụ phạm tội ... được phát hiện, bắt giữ tăng trên 3%": a count of cases that rises or falls
_COUNT_OF = re.compile(r"(?i)(?<!\w)số (?:vụ|đối tượng|người|ca|trường hợp)(?!\w)[^.;:]{0,80}$")
_TREND = re.compile(r"(?i)[^.;:]{0,40}?(?<!\w)(?:tăng|giảm)(?!\w)")


def _trend(sentence: str, start: int, end: int) -> bool:
    return bool(_COUNT_OF.search(sentence, 0, start) and _TREND.match(sentence, end))


def find_triggers(sentence: str, masked: Iterable[tuple[int, int]] = ()) -> list[Trigger]:
    """Asserted event triggers, in order; negated or hypothetical ones are left out, and so is
    what an appeal asks for ("kêu gọi các bên đàm phán") and any trigger inside a name in
    `masked` ("Chính phủ Hiệp định Quốc gia")."""
    if _LAW_TEXT.match(sentence) or _HABITUAL.match(sentence):
        return []  # "Luật cũng quy định rõ ... tạm giữ ...": what a law provides; "Hằng năm ...": a habit
    spans = list(masked)
    appeal_at = next((m.start() for m in _APPEAL_HEAD.finditer(sentence)), len(sentence))
    out: list[Trigger] = []
    vetoed = -1  # end of the last trigger negated or made hypothetical
    for m in _trigger_matches(sentence):
        type_ = _TRIGGER_TYPES[int((m.lastgroup or "t0")[1:])]
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        coordinated = vetoed >= 0 and re.fullmatch(r"\s*(?:,|và|hoặc|hay)\s*", sentence[vetoed : m.start()])
        if coordinated or not is_asserted(sentence, m.start(), m.end(), type_) or _trend(sentence, m.start(), m.end()):
            vetoed = m.end()  # "sẽ có các cuộc hội đàm, hội kiến": the second is a plan too
            continue
        head = sentence[max(0, m.start() - 24) : m.start()]
        took_place = bool(_TOOK_PLACE.match(sentence, m.end()))
        named = bool(_NOMINAL.search(head))
        nominal = named and not (_LIGHT_VERB.search(head) or took_place)
        # "Sau khi bà Sararat bị bắt giữ, ...": presupposed, named rather than reported
        nominal = nominal or bool(_BEFORE_AFTER.search(sentence, max(0, m.start() - 40), m.start())) or bool(_PRESUPPOSED.search(sentence[clause_start(sentence, m.start()) : m.start()]))
        if type_ != "appeal" and m.start() > appeal_at and not (named or took_place):
            continue  # the content of an appeal, not a happening
        if type_ == "appeal" and not named and len(sentence[m.end() : clause_end(sentence, m.end())].split()) < 2:
            continue  # an appeal names whom it addresses or what it asks: "Nga cảnh báo." alone is no news
        cs = clause_start(sentence, m.start())
        if type_ == "arrest" and _HELD_THING.match(sentence, cs, m.start()):
            continue  # "Hai xe đầu kéo trên đã bị cảnh sát giao thông tạm giữ": goods held, nobody arrested
        if type_ == "disaster" and _FORECAST.search(sentence, 0, m.start()):
            continue  # "dự báo ... có khả năng xảy ra lốc, sét, mưa đá": weather to come
        if type_ == "attack" and m.group().lower().startswith("bắn") and _UAV.search(sentence, max(cs, m.start() - 40), m.start()):
            continue  # "drone hạng nặng Okhotnik bị bắn hạ": an interception
        if type_ == "attack" and m.group().lower().endswith("công") and _UAV.search(sentence, cs, m.end() + 30):
            type_ = "airstrike"  # "UAV ... tấn công": an attack from the air
        since = bool(_SINCE.search(sentence[cs : m.start()]))
        # "bắt giữ ba nghi phạm trong vụ sát hại ...": the scene of an asserted happening is its reason
        scene = bool(_SETTING.search(head)) and not any(not o.nominal and o.start >= cs for o in out)
        out.append(Trigger(type_, m.start(), m.end(), nominal, since, scene))
    return out


# --------------------------------------------------------------------------- casualties

_CASUALTY_RE = re.compile(
    r"(?i)(?<!\w)(?:(?P<k>thiệt mạng|tử vong|tử nạn|bị giết(?: chết| hại)?|(?<!tội )(?<!tội \")(?<!tội “)(?<!vi )(?<!danh )giết(?: chết| hại)?|sát hại|"
    r"(?<!cái )(?<!liều )chết(?! chóc| người| não| lâm sàng)|mất mạng|bỏ mạng|hy sinh|(?:bị )?tiêu diệt)|(?P<i>bị thương|trọng thương)|(?P<m>thương vong|mất tích|cái chết))(?!\w)"
)
_COUNT_STOP = re.compile(
    r"(?i)^\s*(?:năm|tuổi|giờ|phút|ngày|tháng|tuần|km|lần|%|USD|đô|triệu USD|tỷ|tấn|m\b|kg|vụ|cuộc|trận|đợt|chiếc|quả|"
    r"tòa|căn|ngôi|sát thủ|con (?:chó|mèo|bò|lợn|heo|gà|trâu|ngựa|rắn|trăn|cá sấu|gấu|hổ|voi))(?!\w)"
)
_FORWARD_CUE = re.compile(r"(?i)(?:làm|khiến|gây|khiến cho|làm cho)\s*$")
_TOLL_CUE = re.compile(r"(?i)số\s+(?:người|nạn nhân|binh sĩ|dân thường|thường dân|ca)?\s*(?:bị\s+)?$")
_CASUALTY_VETO = re.compile(
    r"(?i)(?<!\w)(?:không|chưa|chẳng|có thể|sẽ|nếu|nguy cơ|đe dọa|dọa|âm mưu|muốn|tránh|thuê|chỉ thị|ra lệnh|sẵn sàng|(?<!đầy )đủ)(?!\w)"
)
CUMULATIVE = re.compile(r"(?i)(?<!\w)(?:kể từ|từ khi|tính đến|từ đầu|tổng cộng)(?!\w)")


@dataclass(frozen=True)
class Casualty:
    kind: str  # "killed", "injured" or "mention" (no usable number)
    start: int
    count: int | None


def _counts_before(sentence: str, pos: int, taken: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    for start, end, value in _counts(sentence[:pos]):
        gap = sentence[end:pos]
        if any(s <= start < e for s, e in taken) or len(gap) > 45 or re.search(r"[\d,;:.]", gap):
            continue
        if _COUNT_STOP.match(gap) or _CASUALTY_RE.search(gap) or re.search(r"(?i)(?:tỷ lệ|SN|sinh năm|năm|điều|khoản|điểm|nghị định|BKS|biển số)\s*$", sentence[:start]):
            continue
        yield start, value


def _count_before(sentence: str, pos: int, taken: list[tuple[int, int]]) -> int | None:
    return next(reversed([v for _s, v in _counts_before(sentence, pos, taken)]), None)


def _count_start(sentence: str, pos: int, taken: list[tuple[int, int]]) -> int:
    return next(reversed([s for s, _v in _counts_before(sentence, pos, taken)]), pos)


def _count_after(sentence: str, end: int, reach: int, taken: list[tuple[int, int]]) -> int | None:
    tail = sentence[end : end + reach]
    for start, stop, value in _counts(tail):
        if re.search(r"[.;]", tail[:start]) or any(s <= end + start < e for s, e in taken):
            return None
        if _CASUALTY_RE.match(tail, stop + len(tail[stop:]) - len(tail[stop:].lstrip())) or re.match(
            r"\s+(?:[^\s,.;]+\s+){1,3}?(?:bị thương|thiệt mạng|tử vong|chết|mất tích)", tail[stop:]
        ):
            return None  # "số người thiệt mạng, hiện còn 10 người bị thương": that count is the injured
        if not _COUNT_STOP.match(tail[stop:]):
            return value
    return None


_NOT_DEAD = re.compile(r"(?i)(?<!\w)(?:nhiễm|mắc|khỏi|hồi phục|xuất viện|nhập viện|cấp cứu|sống sót|được cứu)(?!\w)")


def _list_total(sentence: str, start: int, value: int) -> int:
    """The sum of a list of counts ending at `start`: "hai công dân Đan Mạch, hai công dân Úc,
    một người Mỹ và một người Anh đã tử vong" is 6 dead, not 1."""
    total, pos = value, start
    while True:
        sep = re.search(r"(?:,|\s+và)\s*$", sentence[:pos])
        if not sep:
            return total
        lo = max(0, sep.start() - 40)
        found = list(_counts(sentence[lo : sep.start()]))
        if not found:
            return total
        s0, e0, v0 = found[-1]
        item = sentence[lo + e0 : sep.start()]
        if not 1 <= len(item.split()) <= 6 or re.search(r"[\d;:.(),]", item) or _CASUALTY_RE.search(item) or _NOT_DEAD.search(item):
            return total  # "1,2 triệu ca nhiễm và 135.000 ca tử vong": the infected are not dead
        if _COUNT_STOP.match(item):
            return total
        total, pos = total + v0, lo + s0


def _hypothetical(sentence: str, pos: int) -> bool:
    """A future or hypothetical word anywhere earlier in the clause, with no subordinate clause
    opening after it: "có thể đã đi đến một cuộc chiến hạt nhân khiến hàng triệu người thiệt
    mạng", "không thể để hàng chục ngàn người dân ... phải bỏ mạng"."""
    masked = _mask(sentence[clause_start(sentence, pos) : pos])
    return _in_modal_scope(masked, _STRONG_MODAL if _STRONG_MODAL.search(masked) else _CANNOT_LET)


_CANNOT_LET = re.compile(r"(?i)(?<!\w)không thể để(?!\w)")


def find_casualties(sentence: str, dates: list[tuple[int, int]]) -> list[Casualty]:
    """Killed and injured counts, each read next to its verb ("14 binh sĩ LNA thiệt mạng",
    "làm thiệt mạng 10 người", "số người chết đã tăng lên 5.300"); negated ones are dropped."""
    out = []
    for m in _CASUALTY_RE.finditer(sentence):
        before = _NON_NEGATING.sub(" ", sentence[max(0, m.start() - 30) : m.start()])
        if _CASUALTY_VETO.search(before) or _hypothetical(sentence, m.start()):
            continue
        kind = "killed" if m.group("k") else "injured" if m.group("i") else "mention"
        if re.search(r"(?i)(?<!\w)vụ\s+$", sentence[: m.start()]):
            kind = "mention"  # "vụ sát hại giáo sĩ": the murder named, not a toll
        count = None
        if kind != "mention":
            head = sentence[: m.start()]
            if _TOLL_CUE.search(head):
                count = _count_after(sentence, m.end(), 90, dates)
            elif _FORWARD_CUE.search(head) or m.group().lower().startswith(("giết", "sát", "tiêu diệt")):
                count = _count_after(sentence, m.end(), 30, dates) or _count_before(sentence, m.start(), dates)
            else:
                count = _count_before(sentence, m.start(), dates)
                if count is not None:
                    count = _list_total(sentence, _count_start(sentence, m.start(), dates), count)
        out.append(Casualty(kind if count is not None else "mention", m.start(), count))
    return out

