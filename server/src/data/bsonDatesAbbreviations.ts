/**
 * The time zone abbreviations `$dateFromString` reads in a string, as timelib reads them
 * (timelib_lookup_abbr): an abbreviation means the offset of its first entry in timelib's table
 * (timezonemap.h; timelib 2021.06 and 2022.10 have the same one), so `IST` is Israel's
 * +02:00 and `KST` +08:30; `UTC` and `GMT` are UTC, and a word not in the table (`UT`) is no
 * zone. The data below is generated from that header: offsets east of UTC in seconds, each with
 * the abbreviations that have it (local mean times such as `-26248` included, as timelib has them).
 * @packageDocumentation
 */

const TABLE = `
-43200:y -39600:sst,x -36000:ahst,bdt,hst,w -34200:hdt,hpt,hwt -32400:ahdt,akst,yst,v
-28800:akdt,pst,ydt,ypt,ywt,u -26248:emt -25200:mst,pdt,ppt,pwt,yddt,t
-21600:cst,mdt,mpt,mwt,pddt,s -20173:sjmt -19776:hmt -18840:qmt -18000:cdt,cpt,cwt,est,mddt,r
-17340:ppmt -16800:sdmt -15408:cmt -14660:ffmt -14400:ast,cddt,edt,ept,ewt,q -14309:bmt
-13884:smt -13840:amt -13236:pmt -12600:nst -10800:adt,apt,awt,eddt,p -9052:ndt -9000:npt,nwt
-7200:addt,o -5400:nddt -4056:fmt -3600:n -1521:dmt 0:gmt,uct,utc,wet,z
3600:bst,cet,met,wat,west,a 5040:wmt 5736:kmt 5794:rmt
7200:bdst,cat,cest,eet,ist,mest,sast,wast,wemt,b 8440:jmt 9017:mmt 9394:lst 10751:tbmt
10800:cemt,eat,eest,idt,msk,c 12344:tmt 14400:iddt,msd,d 16279:mdst 18000:pkt,e 21600:pkst,f
25025:imt 25200:wib,g 25590:plmt 28800:awst,hkt,wita,h 30600:kst 32400:awdt,hkst,jst,wit,i
34200:acst,cast 36000:aest,chst,gst,jdt,kdt,k 37800:acdt 39600:aedt,gdt,l 41400:nzmt
43200:nzst,m 46800:nzdt
`;

/** The offset of each abbreviation, in seconds (a Map: a word such as `constructor` is no zone). */
const OFFSETS = new Map<string, number>();
for (const group of TABLE.trim().split(/\s+/)) {
  const [offset = "", names = ""] = group.split(":");
  for (const name of names.split(",")) OFFSETS.set(name, Number(offset));
}

/**
 * The offset of a time zone abbreviation, as timelib reads it.
 * @param word - the abbreviation, in any letter case
 * @returns seconds east of UTC; undefined for a word timelib does not know
 */
export function abbreviationOffset(word: string): number | undefined {
  return OFFSETS.get(word.toLowerCase());
}
