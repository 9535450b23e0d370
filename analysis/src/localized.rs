//! Tools that speak Russian. On a runner whose locale is Russian (`LANG=ru_RU.UTF-8`, common on
//! self-hosted GitFlic runners) GNU tools print their messages through gettext: GCC's
//! `ошибка:`, make's `Ошибка 1`, bash's `команда не найдена`, libc's `Нет такого файла или
//! каталога`. The formats stay the same; only the words change. A line with Cyrillic in it is
//! read with the translations of those tools' catalogs (and libc's error strings) mapped back to
//! the English the rules know, so the same rules and shapes read it. The line is shown as printed.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

/// Russian translation → the English message it translates (GCC 12, binutils, GNU make, bash 5,
/// coreutils, glibc's `strerror`, apt, wget, tar), longest phrases first where they overlap.
static PHRASES: &[(&str, &str)] = &[
    // GCC and the linker.
    ("фатальная ошибка: ", "fatal error: "),
    ("ошибка: ", "error: "),
    ("предупреждение: ", "warning: "),
    ("замечание: ", "note: "),
    ("В функции ", "In function "),
    ("в функции ", "in function "),
    ("В файле, включённом из", "In file included from"),
    ("неопределённая ссылка на", "undefined reference to"),
    ("многократное определение", "multiple definition of"),
    (
        "выполнение ld завершилось с кодом возврата",
        "ld returned exit status",
    ),
    ("не удаётся найти -l", "cannot find -l"),
    ("«", "‘"),
    ("»", "’"),
    // GNU make.
    ("Нет правила для сборки цели", "No rule to make target"),
    (", требуемой для", ", needed by"),
    ("отсутствует разделитель", "missing separator"),
    ("Останов.", "Stop."),
    ("] Ошибка ", "] Error "),
    // bash.
    ("команда не найдена", "command not found"),
    (": строка ", ": line "),
    ("не заданы границы переменной", "unbound variable"),
    (
        "синтаксическая ошибка рядом с неожиданным маркером",
        "syntax error near unexpected token",
    ),
    ("синтаксическая ошибка", "syntax error"),
    (
        "неожиданный конец файла во время поиска",
        "unexpected EOF while looking for matching",
    ),
    ("неожиданный конец файла", "unexpected EOF"),
    ("Ошибка сегментирования", "Segmentation fault"),
    ("Убито", "Killed"),
    // glibc's error strings, as coreutils, tar, wget and most C programs print them.
    ("Нет такого файла или каталога", "No such file or directory"),
    ("Отказано в доступе", "Permission denied"),
    ("Операция не позволена", "Operation not permitted"),
    ("Нет места на устройстве", "No space left on device"),
    ("Невозможно выделить память", "Cannot allocate memory"),
    ("В соединении отказано", "Connection refused"),
    (
        "Соединение разорвано другой стороной",
        "Connection reset by peer",
    ),
    ("Время ожидания соединения истекло", "Connection timed out"),
    ("Сеть недоступна", "Network is unreachable"),
    (
        "Временный сбой в разрешении имён",
        "Temporary failure in name resolution",
    ),
    ("не удалось выполнить stat для", "cannot stat"),
    ("Функция open завершилась с ошибкой", "Cannot open"),
    // apt and wget.
    ("Невозможно найти пакет", "Unable to locate package"),
    ("Не удалось получить", "Failed to fetch"),
    (
        "не удаётся разрешить адрес",
        "unable to resolve host address",
    ),
    ("ОШИБКА", "ERROR"),
    // What is left of the words every tool uses.
    ("Ошибка", "Error"),
    ("ошибка", "error"),
    ("не удалось", "failed to"),
    ("Не удалось", "Failed to"),
    ("не найден", "not found"),
];

fn phrases() -> &'static AhoCorasick {
    static PHRASES_AC: OnceLock<AhoCorasick> = OnceLock::new();
    PHRASES_AC.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(PHRASES.iter().map(|(ru, _)| ru))
            .expect("the phrase automaton builds")
    })
}

/// `line` with the Russian messages above in English; `None` when it has none (no Cyrillic at
/// all, for nearly every line, told by its bytes alone).
pub(crate) fn in_english(line: &str) -> Option<String> {
    // Russian letters (U+0401..=U+0451) are two bytes in UTF-8, the first 0xD0 or 0xD1.
    memchr::memchr2(0xD0, 0xD1, line.as_bytes())?;
    let phrases = phrases();
    phrases
        .is_match(line)
        .then(|| phrases.replace_all(line, &PHRASES.iter().map(|(_, en)| *en).collect::<Vec<_>>()))
}

#[cfg(test)]
mod tests {
    use super::in_english;

    #[test]
    fn russian_messages_read_as_their_english_originals() {
        for (ru, en) in [
            (
                "main.c:5:20: ошибка: «totl» не описан",
                "main.c:5:20: error: ‘totl’ не описан",
            ),
            (
                "make: *** [Makefile:3: shop] Ошибка 1",
                "make: *** [Makefile:3: shop] Error 1",
            ),
            (
                "bash: строка 1: yarnn: команда не найдена",
                "bash: line 1: yarnn: command not found",
            ),
            (
                "cp: не удалось выполнить stat для 'dist/app.js': Нет такого файла или каталога",
                "cp: cannot stat 'dist/app.js': No such file or directory",
            ),
            (
                "main.c:(.text+0x11): неопределённая ссылка на «tax»",
                "main.c:(.text+0x11): undefined reference to ‘tax’",
            ),
            (
                "version.sh: строка 3: неожиданный конец файла во время поиска «'»",
                "version.sh: line 3: unexpected EOF while looking for matching ‘'’",
            ),
        ] {
            assert_eq!(in_english(ru).as_deref(), Some(en));
        }
        assert_eq!(in_english("error: already English"), None);
        assert_eq!(in_english("Сборка завершена"), None);
    }
}
