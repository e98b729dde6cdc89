"""The web page's words in English, Russian and Kazakh; each user's language, English by default."""

# Russian and Kazakh are written in Cyrillic, which RUF001 takes for look-alike Latin letters.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable, Mapping

from bodycam_guard.domain.accounts import Language

_CATALOG: Mapping[str, tuple[str, str, str]] = {
    # key: (English, Russian, Kazakh)
    "app_title": ("Body camera review", "Проверка нагрудных камер", "Кеуде камераларын тексеру"),
    "log_in": ("Log in", "Войти", "Кіру"),
    "log_out": ("Log out", "Выйти", "Шығу"),
    "username": ("Username", "Имя пользователя", "Пайдаланушы аты"),
    "password": ("Password", "Пароль", "Құпиясөз"),
    "login_failed": (
        "Wrong username or password.",
        "Неверное имя пользователя или пароль.",
        "Пайдаланушы аты немесе құпиясөз қате.",
    ),
    "language": ("Language", "Язык", "Тіл"),
    "change": ("Change", "Сменить", "Ауыстыру"),
    "queue_title": ("Incident queue", "Очередь инцидентов", "Оқиғалар кезегі"),
    "filter": ("Filter", "Отобрать", "Сүзу"),
    "clear": ("Clear", "Сбросить", "Тазарту"),
    "any": ("any", "любой", "кез келген"),
    "unit": ("Unit", "Подразделение", "Бөлімше"),
    "officer": ("Officer", "Сотрудник", "Қызметкер"),
    "device": ("Camera", "Камера", "Камера"),
    "kind": ("Kind", "Тип", "Түрі"),
    "severity": ("Severity", "Важность", "Маңыздылығы"),
    "status": ("Status", "Статус", "Мәртебесі"),
    "from": ("From", "С", "Бастап"),
    "to": ("To", "По", "Дейін"),
    "start": ("Start", "Начало", "Басы"),
    "end": ("End", "Конец", "Соңы"),
    "duration": ("Duration", "Длительность", "Ұзақтығы"),
    "no_incidents": ("No incidents match.", "Нет подходящих инцидентов.", "Сәйкес оқиғалар жоқ."),
    "shown_of": ("{shown} of {total}", "{shown} из {total}", "{total} ішінен {shown}"),
    "previous": ("Previous", "Назад", "Алдыңғы"),
    "next": ("Next", "Далее", "Келесі"),
    "incident": ("Incident", "Инцидент", "Оқиға"),
    "shift_timeline": ("Shift timeline", "Хронология смены", "Ауысым хронологиясы"),
    "duty": ("On duty", "На службе", "Қызметте"),
    "recorded": ("Recorded", "Записано", "Жазылды"),
    "not_recorded": ("Not recorded", "Не записано", "Жазылмады"),
    "device_events": ("Camera events", "События камеры", "Камера оқиғалары"),
    "footage_before": ("Footage before", "Запись до", "Алдындағы жазба"),
    "footage_after": ("Footage after", "Запись после", "Кейінгі жазба"),
    "no_footage": ("No footage to play.", "Нет записи для просмотра.", "Көрсететін жазба жоқ."),
    "review": ("Review", "Рассмотрение", "Қарау"),
    "review_trail": ("Review history", "История рассмотрения", "Қарау тарихы"),
    "no_reviews": ("Not reviewed yet.", "Ещё не рассмотрен.", "Әлі қаралмаған."),
    "comment": ("Comment", "Комментарий", "Түсініктеме"),
    "comment_hint": (
        "Required to justify: say why the gap is acceptable.",
        "Обязателен для обоснования: укажите, почему пропуск допустим.",
        "Негіздеу үшін міндетті: үзілістің неге орынды екенін жазыңыз.",
    ),
    "role_station": ("station", "станция", "бекет"),
    "role_supervisor": ("supervisor", "руководитель", "басшы"),
    "role_auditor": ("auditor", "аудитор", "аудитор"),
    "role_admin": ("administrator", "администратор", "әкімші"),
    "when": ("When", "Когда", "Қашан"),
    "who": ("Who", "Кто", "Кім"),
    "action": ("Action", "Действие", "Әрекет"),
    "evidence": ("Evidence", "Доказательства", "Дәлелдер"),
    "times_in": ("Times in {tz}", "Время: {tz}", "Уақыт: {tz}"),
    "compliance": ("Recording compliance", "Соблюдение записи", "Жазу талабының сақталуы"),
    "this_shift": ("This shift", "Эта смена", "Осы ауысым"),
    "all_shifts": (
        "All shifts on this camera",
        "Все смены на этой камере",
        "Осы камерадағы барлық ауысымдар",
    ),
    "recorded_share": (
        "Share of duty recorded",
        "Доля времени службы с записью",
        "Қызмет уақытының жазылған үлесі",
    ),
    "switch_offs": ("Switch-offs", "Отключения", "Өшірулер"),
    "switched_off_for": ("Switched off for", "Время отключения", "Өшірулі уақыт"),
    "shifts": ("Shifts", "Смены", "Ауысымдар"),
    "back": ("Back to the queue", "Назад к очереди", "Кезекке оралу"),
    "not_found": ("Not found.", "Не найдено.", "Табылмады."),
    "forbidden": (
        "You may not do this.",
        "У вас нет прав на это действие.",
        "Бұл әрекетке құқығыңыз жоқ.",
    ),
    "refused": (
        "This action does not apply to the incident now.",
        "Это действие сейчас неприменимо к инциденту.",
        "Бұл әрекет қазір оқиғаға қолданылмайды.",
    ),
    "comment_required": (
        "A justification needs a comment.",
        "Для обоснования нужен комментарий.",
        "Негіздеме үшін түсініктеме қажет.",
    ),
    "unit_s": ("s", "с", "с"),
    "unit_min": ("min", "мин", "мин"),
    "unit_h": ("h", "ч", "сағ"),
    # Review actions
    "action_acknowledge": ("Acknowledge", "Принять к сведению", "Назарға алу"),
    "action_justify": ("Justify", "Признать обоснованным", "Негізді деп тану"),
    "action_escalate": ("Escalate", "Передать выше", "Жоғарыға жіберу"),
    "action_close": ("Close", "Закрыть", "Жабу"),
    # Statuses
    "status_open": ("Open", "Открыт", "Ашық"),
    "status_acknowledged": ("Acknowledged", "Принят к сведению", "Назарға алынды"),
    "status_justified": ("Justified", "Обоснован", "Негізді"),
    "status_escalated": ("Escalated", "Передан выше", "Жоғарыға жіберілді"),
    "status_closed": ("Closed", "Закрыт", "Жабық"),
    # Severities
    "severity_low": ("Low", "Низкая", "Төмен"),
    "severity_medium": ("Medium", "Средняя", "Орташа"),
    "severity_high": ("High", "Высокая", "Жоғары"),
    "severity_critical": ("Critical", "Критическая", "Критикалық"),
    # Incident kinds (incident-kinds-v1)
    "kind_camera_off": ("Camera switched off", "Камера выключена", "Камера өшірілді"),
    "kind_audio_muted": ("Audio muted", "Звук отключён", "Дыбыс өшірілді"),
    "kind_battery_depleted": ("Battery depleted", "Батарея разряжена", "Батарея отырып қалды"),
    "kind_device_fault": ("Device fault", "Неисправность камеры", "Камера ақауы"),
    "kind_unexplained_gap": (
        "Unexplained gap",
        "Необъяснённый пропуск записи",
        "Түсініксіз жазба үзілісі",
    ),
    "kind_footage_missing": ("Footage missing", "Запись отсутствует", "Жазба жоқ"),
    "kind_footage_deleted": ("Footage deleted", "Запись удалена", "Жазба жойылды"),
    "kind_file_counter_gap": (
        "File numbers skipped",
        "Пропуск в нумерации файлов",
        "Файл нөмірлерінде үзіліс",
    ),
    "kind_log_gap": ("Log lines removed", "Пропуск в журнале камеры", "Камера журналында үзіліс"),
    "kind_footage_cut": ("Footage cut", "Запись вырезана", "Жазба қиылған"),
    "kind_hash_mismatch": ("Hash mismatch", "Несовпадение хеша", "Хеш сәйкес келмейді"),
    "kind_bad_signature": ("Bad signature", "Неверная подпись", "Қолтаңба жарамсыз"),
    "kind_clock_skew": ("Clock skew", "Расхождение часов", "Сағат ауытқуы"),
    "kind_late_upload": ("Late upload", "Запоздалая выгрузка", "Кешіккен жүктеу"),
    "kind_no_camera": ("On duty without a camera", "Служба без камеры", "Камерасыз қызмет"),
    "kind_integrity_failure": (
        "Integrity failure",
        "Нарушение целостности",
        "Тұтастықтың бұзылуы",
    ),
}

_COLUMN = {Language.EN: 0, Language.RU: 1, Language.KK: 2}
LANGUAGE_NAMES = {Language.EN: "English", Language.RU: "Русский", Language.KK: "Қазақша"}


def translate(language: Language, key: str, **values: object) -> str:
    """The phrase `key` in `language` with `{values}` filled in; the key itself if unknown."""
    entry = _CATALOG.get(key)
    text = entry[_COLUMN[language]] if entry else key
    return text.format(**values) if values else text


def translator(language: Language) -> Callable[..., str]:
    """`translate` bound to one language, for templates (`t("key")`)."""

    def t(key: str, **values: object) -> str:
        return translate(language, key, **values)

    return t


def catalog_keys() -> frozenset[str]:
    """Every key the catalog holds (a test checks each has three real translations)."""
    return frozenset(_CATALOG)
