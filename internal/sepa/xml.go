package sepa

import "encoding/xml"

// The types below mirror the parts of pain.001.001.09 that Downline
// writes, in the element order the schema requires.

type document struct {
	XMLName xml.Name   `xml:"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09 Document"`
	Initn   initiation `xml:"CstmrCdtTrfInitn"`
}

type initiation struct {
	GrpHdr groupHeader `xml:"GrpHdr"`
	PmtInf paymentInfo `xml:"PmtInf"`
}

type groupHeader struct {
	MsgID    string  `xml:"MsgId"`
	CreDtTm  string  `xml:"CreDtTm"`
	NbOfTxs  string  `xml:"NbOfTxs"`
	CtrlSum  string  `xml:"CtrlSum"`
	InitgPty partyID `xml:"InitgPty"`
}

type paymentInfo struct {
	PmtInfID    string           `xml:"PmtInfId"`
	PmtMtd      string           `xml:"PmtMtd"`
	NbOfTxs     string           `xml:"NbOfTxs"`
	CtrlSum     string           `xml:"CtrlSum"`
	PmtTpInf    paymentType      `xml:"PmtTpInf"`
	ReqdExctnDt dateChoice       `xml:"ReqdExctnDt"`
	Dbtr        partyID          `xml:"Dbtr"`
	DbtrAcct    account          `xml:"DbtrAcct"`
	DbtrAgt     agent            `xml:"DbtrAgt"`
	ChrgBr      string           `xml:"ChrgBr"`
	Txs         []creditTransfer `xml:"CdtTrfTxInf"`
}

type paymentType struct {
	SvcLvl serviceLevel `xml:"SvcLvl"`
}

type serviceLevel struct {
	Cd string `xml:"Cd"`
}

type dateChoice struct {
	Dt string `xml:"Dt"`
}

type partyID struct {
	Nm string `xml:"Nm"`
}

type account struct {
	ID accountID `xml:"Id"`
}

type accountID struct {
	IBAN string `xml:"IBAN"`
}

type agent struct {
	FinInstnID finInstnID `xml:"FinInstnId"`
}

type finInstnID struct {
	BICFI string   `xml:"BICFI,omitempty"`
	Othr  *otherID `xml:"Othr,omitempty"`
}

type otherID struct {
	ID string `xml:"Id"`
}

type creditTransfer struct {
	PmtID    paymentID   `xml:"PmtId"`
	Amt      amount      `xml:"Amt"`
	CdtrAgt  *agent      `xml:"CdtrAgt,omitempty"`
	Cdtr     partyID     `xml:"Cdtr"`
	CdtrAcct account     `xml:"CdtrAcct"`
	RmtInf   *remittance `xml:"RmtInf,omitempty"`
}

type paymentID struct {
	EndToEndID string `xml:"EndToEndId"`
}

type amount struct {
	InstdAmt currencyAmount `xml:"InstdAmt"`
}

type currencyAmount struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

type remittance struct {
	Ustrd string `xml:"Ustrd"`
}
