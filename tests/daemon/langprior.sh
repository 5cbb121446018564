#!/bin/sh
# harkd and [hark] languages, the prior of language identification: harkd -n
# checks the codes (file:line); short headlines CLD2 is unsure of get the
# configured language of their script (Путин в Минске. is sr to CLD2 alone);
# Persian typed with Arabic ي/ك is fa; a SIGHUP that drops the key drops the
# prior; a Ukrainian headline with no Ukrainian configured stays unknown; a
# short French text whose names read as Slovenian to CLD2 is French by its
# function words (la, d', le), with the prior and without, and a rule with
# lang = ar en fr hits it.
# Usage: langprior.sh HARK HARKD
. "$(dirname "$0")/lib.sh"
daemon_init "$@"

cat >"$T/w.rules" <<'R'
[rule putin-ru]
query = Путин lang:ru
[rule putin]
query = Путин
[rule macron-fr]
query = Macron lang:fr
[rule maskan-fa]
query = مسکن lang:fa
[rule klitschko-uk]
query = Кличко lang:uk
[rule navalny]
query = Navalny
lang = ar en fr
R
printf 'Путин в Минске.\n' >"$T/ru.txt"
printf 'Macron à Berlin\n' >"$T/fr.txt"
printf 'وزارت راه طرح تازه مسكن را به دولت داد\n\nوزير راه گفت كه طرح تازه مسكن براي زوج‌هاي جوان تا پايان سال به مجلس مي‌رود.\n' >"$T/fa.txt"
printf 'Кличко в Берліні\n' >"$T/uk.txt"
printf "Alexeï Navalny\n\nLa fille d'Alexeï Navalny, Daria Navalnaïa, accuse le Kremlin. Le Hezbollah dément.\n" >"$T/nav.txt"

# --- harkd -n names the bad codes at their line
write_conf "languages = en ru, xx fra"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
st=$?
expect_eq "$st" 2 "harkd -n, bad languages"
grep -qF "hark.conf:5:13: error: languages: 'xx' is not the ISO 639-1 code of a language hark can identify" "$T/n.err" && ok ||
	bad "xx named at its line: $(cat "$T/n.err")"
grep -qF "hark.conf:5:13: error: languages: 'fra' is not an ISO 639-1 code" "$T/n.err" && ok ||
	bad "fra named at its line: $(cat "$T/n.err")"

# --- with the prior
write_conf "languages = en fr ar ru fa"
"$HARKD" -n -c "$T/hark.conf" >"$T/out" 2>"$T/n.err"
expect_eq "$?" 0 "harkd -n, good languages"
start_harkd
ingest "$T/ru.txt" "$T/fr.txt" "$T/fa.txt" "$T/uk.txt" "$T/nav.txt"
wait_for "$LOG" "article a_" 10 5 || bad "five article lines"
grep -qE "article a_[0-9a-f]+ file=ru.txt lang=ru hits=2$" "$LOG" && ok || bad "Russian headline is ru: $(grep file=ru.txt "$LOG")"
grep -qE "article a_[0-9a-f]+ file=fr.txt lang=fr hits=1$" "$LOG" && ok || bad "French headline is fr: $(grep file=fr.txt "$LOG")"
grep -qE "article a_[0-9a-f]+ file=fa.txt lang=fa hits=1$" "$LOG" && ok || bad "Persian with Arabic letters is fa: $(grep file=fa.txt "$LOG")"
grep -qE "article a_[0-9a-f]+ file=uk.txt lang=- hits=0$" "$LOG" && ok || bad "Ukrainian headline unknown: $(grep file=uk.txt "$LOG")"
grep -qE "article a_[0-9a-f]+ file=nav.txt lang=fr hits=1$" "$LOG" && ok || bad "French text on Navalny is fr: $(grep file=nav.txt "$LOG")"

# --- a reload without the key: CLD2 alone names the Russian headline Serbian
write_conf
kill -HUP "$HPID"
wait_for "$LOG" "reloaded: " 10 || bad "reloaded line"
printf 'Путин в Минске!\n' >"$T/ru2.txt"
ingest "$T/ru2.txt"
wait_for "$LOG" "file=ru2.txt" 10 || bad "ru2 article line"
grep -qE "article a_[0-9a-f]+ file=ru2.txt lang=sr hits=1$" "$LOG" && ok || bad "without the prior: $(grep file=ru2.txt "$LOG")"
printf "Navalny\n\nLe frère d'Alexeï Navalny, Oleg Navalny, accuse le Kremlin.\n" >"$T/nav2.txt"
ingest "$T/nav2.txt"
wait_for "$LOG" "file=nav2.txt" 10 || bad "nav2 article line"
grep -qE "article a_[0-9a-f]+ file=nav2.txt lang=fr hits=1$" "$LOG" && ok || bad "French without the prior: $(grep file=nav2.txt "$LOG")"
stop_harkd
expect_eq "$HSTATUS" 0 "harkd exit status"
finish
